"""The partner roles table: coherent rows, lookups by kind, and a new role is one entry away."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import small_config

from simulator.core import roles
from simulator.core.roles import ROLES, Role
from simulator.core.vocabulary import ALLIANCE_TYPES, CAPABILITIES, COUNTERPART_KINDS, PLATFORM_KIND
from simulator.errors import ConfigError
from simulator.validation import validate

ROOT = Path(__file__).resolve().parents[1]

LOOKUPS = (
    "SELLS",
    "PAID_SAVINGS_SHARE",
    "PAID_RETAINER",
    "DELIVERS_SUPPLY",
    "DELIVERS_AUTOMATION",
    "DELIVERS_CREDIT",
    "INNOVATES",
)


def test_roles_name_known_types_and_capabilities():
    """Every role names a DPN alliance type and capability dimensions of the vocabulary, once."""
    assert len({role.name for role in ROLES}) == len(ROLES)
    for role in ROLES:
        assert role.alliance_type in ALLIANCE_TYPES, role.name
        assert role.strengths and set(role.strengths) <= set(CAPABILITIES), role.name


@pytest.mark.parametrize("name", LOOKUPS)
def test_lookups_are_indexed_by_counterpart_kind(name):
    """Each lookup has one entry per counterpart kind, the platform's (after the roles) false."""
    lookup = getattr(roles, name)
    assert lookup.dtype == bool
    assert len(lookup) == len(COUNTERPART_KINDS) == len(ROLES) + 1
    assert not lookup[PLATFORM_KIND]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"payment": "retainer"}, "revenue share exactly when it sells"),
        ({"sells": False, "payment": "savings_share", "delivers": ()}, "exactly when it delivers automation"),
        ({"delivers": ("supply_chain_savings", "credit_line")}, "exactly when it delivers credit_line"),
        ({"alliance_type": "marketing_sales"}, "supply_chain type"),
        ({"delivers": ("teleportation",)}, "not among"),
        ({"payment": "barter"}, "payment must be one of"),
    ],
)
def test_incoherent_role_is_refused(change, message):
    """A row whose payment, deliveries and type contradict each other cannot be built."""
    with pytest.raises(ValueError, match=message):
        replace(ROLES[0], **change)


def test_role_without_config_fields_is_refused(monkeypatch):
    """A role in the table without ``partner.<name>_share`` is refused before a run, naming the key."""
    extra = Role(
        name="broker",
        label="broker",
        colour="#000000",
        marker="s",
        size=40,
        alliance_type="marketing_sales",
        payment="revenue_share",
        sells=True,
        strengths=("marketing",),
    )
    monkeypatch.setattr("simulator.validation.ROLES", (*ROLES, extra))
    with pytest.raises(ConfigError) as err:
        validate(small_config())
    assert err.value.key == "partner.broker_share"


# ---------------------------------------------------------------------------------- a fifth role
NEW_ROLE = """    Role(
        name="logistics_partner",
        label="logistics partner",
        colour="#a6761d",
        marker="D",
        size=40,
        alliance_type="supply_chain",
        payment="revenue_share",
        sells=True,
        strengths=("production", "data"),
        delivers=("supply_chain_savings",),
    ),
"""
NEW_FIELDS = """    logistics_partner_share: float = param(0.0, "Share of partners in logistics.", ge=0.0, le=1.0)
    logistics_partner_reach: float = param(0.3, "Channel weight a logistics partner adds.", ge=0.0)
"""
RUN_WITH_FIVE_ROLES = """
import json
import numpy as np
from simulator.config import ModelConfig, PartnerConfig, ShockConfig
from simulator.core.roles import PARTNER_ROLES
from simulator.model import EcosystemModel
from simulator.analysis.figures import network_figure
from simulator.dashboard.network import aggregate_spec, firms_spec

partner = PartnerConfig(
    complementary_business_share=0.3, technology_provider_share=0.2, marketing_distribution_share=0.2,
    support_service_share=0.1, logistics_partner_share=0.2,
)
shock = ShockConfig(kind="partner_failure", start=35, duration=0, target="role:logistics_partner", share=1.0)
model = EcosystemModel(ModelConfig(n_smbs=150, n_partners=30, steps=40, seed=1, partner=partner, shocks=[shock]))
code = PARTNER_ROLES.index("logistics_partner")
income = revenue = saving_value = 0.0
for _ in range(40):
    model.step()
    ids = model.ledger.active_ids
    mine = ids[model.ledger.kind[ids] == code]
    income += float(model.partners.income[model.partners.role == code].sum())
    revenue += float(model.ledger.revenue[mine].sum())
events = model.events.to_frame()
network_figure(events)
partner_layer = next(layer for layer in firms_spec(model)["layer"] if layer["data"]["name"] == "partner_rows")
roles_drawn = partner_layer["encoding"]["color"]["scale"]["domain"]
groups_drawn = [row["name"] for row in aggregate_spec(model)["datasets"]["nodes"]]
print(json.dumps({
    "partners": int((model.partners.role == code).sum()),
    "formed": int((model.ledger.kind == code).sum()),
    "income": income,
    "revenue": revenue,
    "types": sorted(set(events.query("counterpart_kind == 'logistics_partner'").alliance_type.astype(str))),
    "failed": int(((events.event == "partner_failed") & (events.counterpart_kind == "logistics_partner")).sum()),
    "drawn": ["logistics partner" in roles_drawn, "logistics partner" in groups_drawn],
}))
"""


def _insert_at(source: str, line: int, text: str) -> str:
    """Insert ``text`` (whole lines) before line number ``line + 1``."""
    lines = source.splitlines(keepends=True)
    return "".join([*lines[:line], text, *lines[line:]])


def _add_fifth_role(package: Path) -> None:
    """Edit a copy of the package the way a developer adds a role: one entry in the roles table,
    two fields in PartnerConfig, nothing else."""
    roles_file = package / "core" / "roles.py"
    source = roles_file.read_text()
    table = next(
        n for n in ast.parse(source).body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "ROLES"
    )
    roles_file.write_text(_insert_at(source, table.value.end_lineno - 1, NEW_ROLE))  # before its ")"
    schema_file = package / "config" / "schema.py"
    source = schema_file.read_text()
    partner = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "PartnerConfig")
    schema_file.write_text(_insert_at(source, partner.body[-1].end_lineno, NEW_FIELDS))  # after the last field


def test_a_fifth_role_is_one_table_entry_plus_its_config_fields(tmp_path):
    """A logistics partner that sells, added as one table entry and its two config fields, forms
    alliances, earns revenue shares, is recorded under its name and type, can be hit by a role
    shock, and is drawn by the figures and the dashboard."""
    shutil.copytree(ROOT / "simulator", tmp_path / "simulator", ignore=shutil.ignore_patterns("__pycache__"))
    _add_fifth_role(tmp_path / "simulator")
    out = subprocess.run(
        [sys.executable, "-c", RUN_WITH_FIVE_ROLES],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    assert facts["partners"] == 6  # 0.2 of 30 slots
    assert facts["formed"] > 0
    assert facts["revenue"] > 0  # it sells: the alliances carry sales
    assert facts["income"] > 0  # and the SMBs pay it its share
    assert facts["types"] == ["supply_chain"]
    assert facts["failed"] > 0  # the role shock ended its alliances
    assert facts["drawn"] == [True, True]  # in the dashboard's legend and its group view


def test_new_role_fields_are_absent_from_the_real_package():
    """The fifth-role test edits a copy only."""
    assert "logistics_partner" not in roles.PARTNER_ROLES
    assert np.array_equal(roles.SELLS, [r.sells for r in ROLES] + [False])
