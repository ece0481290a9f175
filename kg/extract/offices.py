"""The organisation an office is held in, named after the place it follows.

巴宜区 + 区长 → 巴宜区人民政府; 强堆村 + 第一书记 → 强堆村党支部; 林芝市 + 书记 → 林芝市委.
:mod:`kg.extract.organizations` asks it for an office right after a place (``巴宜区区长``)
and for offices listed after one (``于都县委副书记、县长``).
"""

from __future__ import annotations

from kg.extract.names import org_class
from kg.extract.spans import Found

__all__ = ["office_organization"]

# fmt: off
#: (place level, office) → the organisation that office is held in, named after the place.
_OFFICE_ORGS = {
    ("village", "书记"): "党支部", ("village", "第一书记"): "党支部", ("village", "驻村第一书记"): "党支部",
    ("village", "主任"): "村委会", ("village", "村长"): "村委会",
    ("township", "书记"): "党委", ("township", "乡长"): "人民政府", ("township", "镇长"): "人民政府",
    ("county", "书记"): "委", ("county", "县长"): "人民政府", ("county", "区长"): "人民政府",
    ("county", "市长"): "人民政府",
    ("prefecture", "书记"): "委", ("prefecture", "市长"): "人民政府", ("prefecture", "州长"): "人民政府",
    ("province", "书记"): "委", ("province", "省长"): "人民政府", ("province", "主席"): "人民政府",
}
# fmt: on


def office_organization(place: Found, office: str) -> tuple[str, str] | None:
    """The name and class of the organisation ``office`` is held in at ``place`` (巴宜区 区长: 巴宜区人民政府)."""
    suffix = _OFFICE_ORGS.get((place.level, office.removeprefix("副")))
    if suffix is None:
        return None
    if suffix == "委" and place.name.endswith("自治区"):
        suffix = "党委"
    if place.level == "village" and place.name.endswith("社区"):
        suffix = {"村委会": "居委会"}.get(suffix, suffix)
    return place.name + suffix, org_class(place.name + suffix)
