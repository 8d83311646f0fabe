"""The body map's adjacency graph: which region-sides touch."""

from __future__ import annotations

import pytest

from knotwork import vocab
from knotwork.bodymap.adjacency import AdjacencyError, neighbours, parse, touching


def test_every_region_side_has_a_neighbour_and_edges_go_both_ways() -> None:
    graph = neighbours()
    assert set(graph) == set(vocab.region_sides())
    for rs, near in graph.items():
        assert near, f"{rs} touches nothing"
        for other in near:
            assert rs in graph[other], f"{rs} -> {other} but not back"


def test_the_whole_body_is_one_connected_surface() -> None:
    graph = neighbours()
    start = ("vertex", "midline")
    seen, todo = {start}, [start]
    while todo:
        for other in graph[todo.pop()]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    assert seen == set(graph)


def test_sided_neighbours_stay_on_their_side_and_midline_regions_touch_both() -> None:
    assert touching(("temple", "right"), ("forehead", "right"))
    assert not touching(("temple", "right"), ("forehead", "left"))
    assert touching(("sternum", "midline"), ("chest-front", "left"))
    assert touching(("sternum", "midline"), ("chest-front", "right"))
    assert touching(("forehead", "right"), ("forehead", "left"))  # marked ~ across the midline
    assert not touching(("calf", "right"), ("calf", "left"))
    assert not touching(("temple", "right"), ("calf", "right"))


def test_a_mistake_in_the_adjacency_file_names_the_line() -> None:
    with pytest.raises(AdjacencyError, match=r"line 2: unknown region 'tempel'"):
        parse("vertex: forehead\ntemple: tempel\n")
    with pytest.raises(AdjacencyError, match="line 1: ~ joins a sided region to itself"):
        parse("temple: ~forehead\n")
