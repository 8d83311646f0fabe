"""The atlas's data: muscles, their trigger points, referral zones, care and sources.

One TOML file per muscle (``knotwork/atlas/muscles/<id>.toml``) decodes into these structs;
``docs/atlas-format.md`` describes the file for the clinicians who edit it.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Level = Literal["suitable", "caution", "avoid"]
Strength = Literal["high", "moderate", "low", "very-low", "expert-opinion"]
Laterality = Literal["same", "both", "opposite"]


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    key: str
    citation: str
    doi: str | None = None
    url: str | None = None


class ReferralZone(msgspec.Struct, frozen=True):
    """A region where a trigger point's pain is felt, relative to the trigger point's side.

    ``laterality`` is ``same`` for the usual ipsilateral referral, ``both`` where the pain is
    felt on both sides (e.g. the forehead from the clavicular SCM), ``opposite`` for a
    contralateral pattern. Midline regions ignore it.
    """

    region: str
    essential: bool
    laterality: Laterality = "same"

    def sides_for(self, trigger_point_side: str, *, sided: bool) -> tuple[str, ...]:
        """The sides where this zone is felt for a trigger point on ``trigger_point_side``."""
        if not sided:
            return ("midline",)
        if self.laterality == "both":
            return ("right", "left")
        if self.laterality == "opposite":
            return ("left",) if trigger_point_side == "right" else ("right",)
        return (trigger_point_side,)


class TriggerPoint(msgspec.Struct, frozen=True):
    id: str  # "<muscle id>.<slug>", unique in the atlas
    slug: str
    name: str
    location: str
    region: str
    zones: tuple[ReferralZone, ...]
    note: str | None = None

    @property
    def essential(self) -> tuple[ReferralZone, ...]:
        return tuple(z for z in self.zones if z.essential)

    @property
    def spillover(self) -> tuple[ReferralZone, ...]:
        return tuple(z for z in self.zones if not z.essential)


class TechniqueNote(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    level: Level = "suitable"
    note: str = ""


class SelfCare(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    technique: str
    title: str
    instructions: str
    level: Level = "suitable"
    dose: str | None = None
    caution: str | None = None


class Evidence(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    statement: str
    strength: Strength
    sources: tuple[str, ...]


class Muscle(msgspec.Struct, frozen=True):
    id: str
    name: str
    group: str
    synonyms: tuple[str, ...]
    description: str
    trigger_points: tuple[TriggerPoint, ...]
    mimics: tuple[str, ...]
    perpetuating_factors: tuple[str, ...]
    aggravating_activities: tuple[str, ...]
    techniques: tuple[TechniqueNote, ...]
    self_care: tuple[SelfCare, ...]
    evidence: tuple[Evidence, ...]
    sources: tuple[Source, ...]
    review: str

    def zone_regions(self, *, essential: bool) -> list[str]:
        """Region codes of all trigger points' essential (or spillover) zones, first seen first."""
        seen: dict[str, None] = {}
        for tp in self.trigger_points:
            for z in tp.zones:
                if z.essential is essential:
                    seen.setdefault(z.region, None)
        return list(seen)


class Atlas(msgspec.Struct, frozen=True):
    muscles: dict[str, Muscle]

    def muscle(self, muscle_id: str) -> Muscle:
        return self.muscles[muscle_id]
