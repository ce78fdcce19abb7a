"""Property tests: one deciding rule for every fact set; refusals explained; the loader never crashes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoso.policy import VN_TZ, Facts, Outcome, PolicyLoadError, PolicySet, load_policy

from .helpers import BASELINE_TEXT, BUILTIN, DISPATCH_TEXT, KNOWN_TAGS

BOUNDARIES = [date(2014, 7, 31), date(2014, 8, 1), date(2015, 9, 30), date(2015, 10, 1)]
BOUNDARIES += [date(2015, 12, 31), date(2016, 1, 1), date(2025, 6, 30), date(2025, 7, 1)]
DECREE_164_FROM = datetime(2025, 7, 1, tzinfo=VN_TZ)
OFFICES = ["001", "00101", "00105", "00129", "00131", "00130", "002", "00201"]
TAGS = sorted(KNOWN_TAGS) + ["other-tag"]

moments = st.one_of(
    st.datetimes(min_value=datetime(2013, 1, 1), max_value=datetime(2027, 12, 31)),
    st.builds(
        lambda day, seconds: datetime.combine(day, time()) + timedelta(seconds=seconds),
        st.sampled_from(BOUNDARIES),
        st.integers(min_value=-3600, max_value=86400 + 3600),
    ),
).map(lambda naive: naive.replace(tzinfo=VN_TZ))

fact_sets = st.builds(
    Facts,
    channel=st.sampled_from(["electronic", "barcode", "paper"]),
    procedure_code=st.sampled_from(["600", "601", "602", "603", "604", "999"]),
    procedure_tags=st.frozensets(st.sampled_from(TAGS)),
    submitter_kind=st.sampled_from(["unit", "commune"]),
    has_certificate=st.booleans(),
    office_code=st.sampled_from(OFFICES),
    received_at=moments,
    submitter_code=st.text(max_size=8),
)


def deciding_candidates(policy_set: PolicySet, facts: Facts):
    """The matching rules that tie for first place: exactly one may exist."""
    matches = policy_set.matches(facts)
    if not matches:
        return []
    top = (matches[0].policy.precedence, matches[0].rule.precedence)
    return [m for m in matches if (m.policy.precedence, m.rule.precedence) == top]


@given(fact_sets)
@settings(max_examples=1500, deadline=None)
def test_every_fact_set_gets_exactly_one_deciding_rule(facts):
    candidates = deciding_candidates(BUILTIN, facts)
    assert len(candidates) == 1
    decision = BUILTIN.evaluate(facts)
    assert (decision.policy_id, decision.rule_id) == (candidates[0].policy.id, candidates[0].rule.id)


@given(fact_sets)
@settings(max_examples=1500, deadline=None)
def test_every_refusal_carries_a_message_a_legal_basis_and_advice(facts):
    decision = BUILTIN.evaluate(facts)
    assert decision.message_vi.strip() and decision.message_en.strip()
    assert decision.policy_version >= 1 and decision.policy_set == BUILTIN.identity
    if decision.outcome is Outcome.REFUSE:
        assert decision.legal_basis_vi.strip() and decision.legal_basis_en.strip()
        assert decision.advice_vi.strip() and decision.advice_en.strip()


@given(fact_sets)
@settings(deadline=None)
def test_paper_is_always_accepted_and_outside_hanoi_only_paper(facts):
    """… until Decree 164/2025, from which any office accepts electronic dossiers."""
    decision = BUILTIN.evaluate(facts)
    if facts.channel == "paper":
        assert decision.outcome is Outcome.ACCEPT and decision.policy_id == "baseline"
    elif facts.channel == "electronic" and facts.received_at >= DECREE_164_FROM:
        assert (decision.outcome, decision.policy_id) == (Outcome.ACCEPT, "164-2025-nd-cp")
    elif facts.office_code not in BUILTIN.policies[1].offices:
        assert (decision.outcome, decision.rule_id) == (Outcome.REFUSE, "channel-not-opened")
    else:
        assert decision.policy_id == "2671-bhxh-cntt"


@given(fact_sets)
@settings(deadline=None)
def test_facts_survive_json(facts):
    again = Facts.from_json(facts.to_json())
    assert again == facts and BUILTIN.evaluate(again) == BUILTIN.evaluate(facts)


# --- the loader never crashes --------------------------------------------------------------------

toml_scalars = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
    st.datetimes(),
    st.times(),
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return (
            '"'
            + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode("ascii")
            + '"'
        )
    if isinstance(value, float):
        return repr(value).replace("inf", "inf")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


KEYS = [
    "id",
    "version",
    "precedence",
    "effect",
    "channels",
    "submitters",
    "certificate",
    "tags_all",
    "tags_none",
    "tags_any",
    "valid_from",
    "valid_until",
    "offices",
    "procedures",
    "message_vi",
    "message_en",
    "advice_vi",
    "advice_en",
    "title_vi",
    "title_en",
    "legal_basis_vi",
    "legal_basis_en",
    "bogus",
]
tables = st.dictionaries(
    st.sampled_from(KEYS), st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3)), max_size=12
)


@st.composite
def random_documents(draw) -> str:
    parts = ["[policy]"] + [f"{k} = {toml_value(v)}" for k, v in draw(tables).items()]
    for table in draw(st.lists(tables, max_size=4)):
        parts.append("[[rules]]")
        parts += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(parts) + "\n"


def loads_or_coded_error(content) -> None:
    try:
        load_policy(content, known_tags=KNOWN_TAGS)
    except PolicyLoadError as error:
        assert error.issues and all(issue.line >= 1 for issue in error.issues)
        assert error.message_vi and error.message_en


@given(random_documents())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_loader_never_crashes_on_random_toml(text):
    loads_or_coded_error(text)


@given(st.text(max_size=300))
@settings(deadline=None)
def test_loader_never_crashes_on_random_text(text):
    loads_or_coded_error(text)


@given(st.binary(max_size=300))
@settings(deadline=None)
def test_loader_never_crashes_on_random_bytes(data):
    loads_or_coded_error(data)


@given(st.sampled_from([DISPATCH_TEXT, BASELINE_TEXT]), st.data())
@settings(max_examples=300, deadline=None)
def test_loader_never_crashes_on_mutated_policies(text, data):
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        index = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "truncate", "swap"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "truncate":
            lines[index] = lines[index][: data.draw(st.integers(min_value=0, max_value=len(lines[index])))]
        else:
            other = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        if not lines:
            break
    loads_or_coded_error("\n".join(lines))


# --- the overlap check is sound: a loaded policy never has two matching rules at one precedence ---

rule_tables = st.fixed_dictionaries(
    {"effect": st.sampled_from(["accept", "refuse"]), "precedence": st.integers(min_value=0, max_value=2)},
    optional={
        "channels": st.lists(
            st.sampled_from(["electronic", "barcode", "paper"]), min_size=1, max_size=2, unique=True
        ),
        "submitters": st.lists(st.sampled_from(["unit", "commune"]), min_size=1, max_size=1),
        "certificate": st.booleans(),
        "offices": st.lists(st.sampled_from(["00101", "00105"]), min_size=1, max_size=2, unique=True),
        "procedures": st.lists(st.sampled_from(["600", "602"]), min_size=1, max_size=1),
        "tags_all": st.lists(st.sampled_from(sorted(KNOWN_TAGS)), min_size=1, max_size=1),
        "tags_any": st.lists(st.sampled_from(sorted(KNOWN_TAGS)), min_size=1, max_size=2, unique=True),
        "tags_none": st.lists(st.sampled_from(sorted(KNOWN_TAGS)), min_size=1, max_size=1),
        "valid_from": st.sampled_from(BOUNDARIES),
        "valid_until": st.sampled_from(BOUNDARIES),
    },
)


@st.composite
def random_policies(draw) -> str:
    parts = [
        "[policy]",
        'id = "random"',
        "version = 1",
        "precedence = 1",
        'title_vi = "Ngẫu nhiên"',
        'title_en = "Random"',
        'legal_basis_vi = "Thử nghiệm"',
        'legal_basis_en = "Test"',
    ]
    for index, table in enumerate(draw(st.lists(rule_tables, min_size=1, max_size=6))):
        parts += ["[[rules]]", f'id = "r{index}"', 'message_vi = "Thông báo"', 'message_en = "Message"']
        parts += ['advice_vi = "Hướng dẫn"', 'advice_en = "Advice"']
        parts += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(parts) + "\n"


@given(random_policies(), st.lists(fact_sets, min_size=20, max_size=20))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_loaded_policy_never_has_two_rules_tied_for_a_decision(text, samples):
    try:
        policy = load_policy(text, known_tags=KNOWN_TAGS)
    except PolicyLoadError:
        return
    for facts in samples:
        matched = policy.matching_rules(facts)
        precedences = [rule.precedence for rule in matched]
        assert len(precedences) == len(set(precedences))


@given(random_policies(), st.lists(fact_sets, min_size=10, max_size=10))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_loadable_policy_over_the_baseline_decides_everything_with_reasons(text, samples):
    try:
        policy = load_policy(text, known_tags=KNOWN_TAGS)
    except PolicyLoadError:
        return
    composed = PolicySet([policy, BUILTIN.policies[-1]])
    for facts in samples:
        assert len(deciding_candidates(composed, facts)) == 1
        decision = composed.evaluate(facts)
        assert decision.message_vi and decision.message_en
        if decision.outcome is Outcome.REFUSE:
            assert (
                decision.legal_basis_vi
                and decision.legal_basis_en
                and decision.advice_vi
                and decision.advice_en
            )
