"""Who may edit: the rules between the server's settings and the visitor's sign-in."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefmap.app.editors import (
    Editing,
    EditingConfig,
    Visitor,
    access,
    clean_typed_name,
    editing_config,
)

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}
ALICE = Visitor(
    signed_in=True,
    issuer="http://localhost:9400",
    subject="alice-sub",
    email="Alice@Example.com",
    name="Alice",
)
MALLORY = Visitor(signed_in=True, issuer="http://localhost:9400", subject="m", email="m@x.org")
NOBODY = Visitor()


def signed_in_config(*editors: str) -> EditingConfig:
    return editing_config({}, {**AUTH, "briefmap": {"editing": "signed-in", "editors": editors}})


def test_read_only_by_default() -> None:
    config = editing_config({}, {})
    assert config.editing is Editing.OFF
    for visitor in (NOBODY, ALICE):
        decided = access(config, visitor)
        assert not decided.may_edit
        assert "editing is off" in decided.reason


def test_an_editor_on_the_list_edits_under_the_providers_identity() -> None:
    decided = access(signed_in_config("alice@example.com"), ALICE)
    assert decided.may_edit and decided.signed_in
    # The issuer and subject: stable where an e-mail may change hands.
    assert decided.editor_id == "oidc:http://localhost:9400|alice-sub"
    assert decided.editor_name == "Alice"
    assert not decided.open_to_anyone


# The same "sub" from another provider: a subject is unique only at its issuer.
ALICE_SUB_ELSEWHERE = replace(
    ALICE, issuer="https://other-provider.example", email="eve@other.example", name="Eve"
)


def test_the_list_names_a_subject_with_its_issuer() -> None:
    config = signed_in_config("http://localhost:9400|alice-sub")
    assert access(config, ALICE).may_edit
    assert access(config, ALICE).editor_id == "oidc:http://localhost:9400|alice-sub"


def test_the_same_subject_from_another_provider_is_not_on_the_list() -> None:
    config = signed_in_config("http://localhost:9400|alice-sub")
    decided = access(config, ALICE_SUB_ELSEWHERE)
    assert not decided.may_edit
    # Told who they are as the list would name them, for whoever keeps the list.
    assert "https://other-provider.example|alice-sub" in decided.reason


def test_a_subject_without_its_issuer_keeps_the_app_read_only_and_says_why() -> None:
    config = signed_in_config("alice@example.com", "alice-sub")
    for visitor in (ALICE, ALICE_SUB_ELSEWHERE):
        decided = access(config, visitor)
        assert not decided.may_edit
        assert "'alice-sub'" in decided.reason and "issuer|subject" in decided.reason


def test_an_issuer_or_subject_left_empty_is_a_setting_not_understood() -> None:
    for entry in ("|alice-sub", "http://localhost:9400|", " | "):
        assert editing_config({}, {**AUTH, "briefmap": {"editors": [entry]}}).problem, entry


def test_the_environments_list_takes_issuer_and_subject_entries() -> None:
    config = editing_config(
        {
            "BRIEFMAP_EDITING": "signed-in",
            "BRIEFMAP_EDITORS": "m@x.org, http://localhost:9400|alice-sub",
        },
        AUTH,
    )
    assert config.editors == {"m@x.org", "http://localhost:9400|alice-sub"}
    assert access(config, ALICE).may_edit and not access(config, ALICE_SUB_ELSEWHERE).may_edit


def test_a_signed_in_user_not_on_the_list_reads_only_and_is_told_why() -> None:
    decided = access(signed_in_config("alice@example.com"), MALLORY)
    assert not decided.may_edit
    assert "m@x.org" in decided.reason and "not on this server's list of editors" in decided.reason
    assert decided.offer_sign_out and not decided.offer_sign_in


def test_signed_in_editing_offers_sign_in_to_a_visitor() -> None:
    decided = access(signed_in_config("alice@example.com"), NOBODY)
    assert not decided.may_edit and decided.offer_sign_in


def test_signed_in_editing_without_sign_in_configured_stays_read_only() -> None:
    config = editing_config({}, {"briefmap": {"editing": "signed-in", "editors": ["a@b.c"]}})
    decided = access(config, NOBODY)
    assert not decided.may_edit and not decided.offer_sign_in
    assert "[auth]" in decided.reason


def test_an_empty_list_lets_nobody_edit() -> None:
    assert not access(signed_in_config(), ALICE).may_edit


def test_anyone_without_sign_in_edits_under_a_typed_name_and_is_told_so() -> None:
    config = editing_config({}, {"briefmap": {"editing": "anyone"}})
    decided = access(config, NOBODY)
    assert decided.may_edit and decided.needs_name and decided.open_to_anyone
    assert "Anyone who can open this app can edit it" in decided.reason


def test_anyone_with_sign_in_records_the_signed_in_identity() -> None:
    config = editing_config({}, {**AUTH, "briefmap": {"editing": "anyone"}})
    decided = access(config, MALLORY)
    assert decided.may_edit and not decided.needs_name
    assert decided.editor_id == "oidc:http://localhost:9400|m"


def test_the_environment_wins_over_the_secrets() -> None:
    config = editing_config(
        {"BRIEFMAP_EDITING": "signed-in", "BRIEFMAP_EDITORS": "m@x.org, other@x.org"},
        {**AUTH, "briefmap": {"editing": "off", "editors": ["alice@example.com"]}},
    )
    assert config.editing is Editing.SIGNED_IN
    assert config.editors == {"m@x.org", "other@x.org"}
    assert access(config, MALLORY).may_edit and not access(config, ALICE).may_edit


@pytest.mark.parametrize(
    ("env", "secrets", "named"),
    [
        ({"BRIEFMAP_EDITING": "yes"}, {}, "BRIEFMAP_EDITING"),
        ({}, {"briefmap": {"editing": "on"}}, "[briefmap] editing"),
        ({}, {"briefmap": {"editing": "anyone", "editors": 3}}, "[briefmap] editors"),
    ],
)
def test_a_setting_not_understood_keeps_the_app_read_only_and_names_it(
    env: dict[str, str], secrets: dict[str, object], named: str
) -> None:
    config = editing_config(env, secrets)
    decided = access(config, NOBODY)
    assert not decided.may_edit
    assert named in decided.reason


def test_visitor_from_st_user() -> None:
    visitor = Visitor.from_user(
        {"is_logged_in": True, "iss": "http://idp", "sub": "s1", "email": "a@b.c", "name": " "}
    )
    assert visitor == Visitor(True, "http://idp", "s1", "a@b.c", None)
    assert visitor.shown_name == "a@b.c"
    assert not Visitor.from_user({"is_logged_in": "true"}).signed_in  # only True itself


def test_a_typed_name_is_one_trimmed_line() -> None:
    assert clean_typed_name("  Sam\n  Field  ") == "Sam Field"
    assert clean_typed_name(" \t ") is None
    assert len(clean_typed_name("x" * 500) or "") == 80
