"""The home programme: each target muscle's self-care from the atlas, shaped by the safety screen.

Per target muscle, in the atlas's order: self-pressure with a ball or foam roller, stretches,
strengthening and heat, each with its dose and plain instructions. A home technique the screen
marks ``avoid`` (heat with reduced feeling in the skin) is left out with the reason; one marked
``caution`` (self-pressure over a wound, or while taking anticoagulants) stays, changed by the
reason, which the client sees. An exercise the atlas itself marks avoid for that muscle (pressure
over the front of the neck) is left out with the atlas's own caution, which names the safer way.

One general entry on drinking and eating closes the programme, worded within the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knotwork.assess.safety import Precaution
from knotwork.atlas.model import Atlas
from knotwork.plan.model import HomeExercise, LeftOut, Target

SIDE_WORDS = {"right": "right side", "left": "left side", "bilateral": "both sides"}

HYDRATION = HomeExercise(
    muscle=None,
    muscle_name="Everyday",
    side="",
    technique="hydration-nutrition",
    title="Drinking and eating",
    instructions=(
        "Drink when you are thirsty, enough that your urine stays pale: water, milk and other drinks all count, "
        "about 6 to 8 glasses a day for most people. Eat regular, balanced meals. You do not need to drink extra "
        "water after a treatment: there are no toxins for it to flush out. Magnesium supplements have not been "
        "shown to help ordinary muscle cramps, so there is no need to buy them for this; ask your GP or "
        "pharmacist before starting any supplement."
    ),
    dose="Every day",
    cautions=("If a doctor has told you to limit how much you drink, follow their advice instead.",),
    modified=False,
    sources=("eatwell-2016", "wiltshire-2010", "garrison-2020"),
)


def home_programme(
    targets: Sequence[Target], atlas: Atlas, precautions: Iterable[Precaution]
) -> tuple[tuple[HomeExercise, ...], tuple[LeftOut, ...]]:
    screen = {p.technique: p for p in precautions}
    exercises: list[HomeExercise] = []
    left_out: list[LeftOut] = []
    for target in targets:
        muscle = atlas.muscle(target.muscle)
        for care in muscle.self_care:
            precaution = screen.get(care.technique)
            if precaution is not None and precaution.level == "avoid":
                left_out.append(LeftOut(target.muscle, care.technique, care.title, precaution.reason, "precaution"))
                continue
            if care.level == "avoid":
                left_out.append(
                    LeftOut(target.muscle, care.technique, care.title, care.caution or "Not advised", "atlas")
                )
                continue
            cautions = tuple(c for c in (precaution.reason if precaution else None, care.caution) if c)
            exercises.append(
                HomeExercise(
                    muscle=target.muscle,
                    muscle_name=muscle.name,
                    side=target.side,
                    technique=care.technique,
                    title=care.title,
                    instructions=care.instructions,
                    dose=care.dose or "",
                    cautions=cautions,
                    modified=precaution is not None,
                )
            )
    exercises.append(HYDRATION)
    return tuple(exercises), tuple(left_out)
