"""The precision rules of docs/design.md's "Money", on the helpers every caller uses (no database)."""

from decimal import Decimal

import pytest

from billing.money import AMOUNT_QUANTUM, MAX_AMOUNT, charge_for, exact_amount, parse_amount, refund_for


def test_half_of_the_smallest_amount_rounds_up_in_a_charge():
    # 0.005 per 1000, one unit: 0.000005, exactly half of 0.00001.
    assert charge_for(Decimal("0.005"), 1) == Decimal("0.00001")


def test_just_under_half_of_the_smallest_amount_charges_nothing():
    assert charge_for(Decimal("0.0049999999"), 1) == Decimal("0.00000")


def test_a_charge_keeps_exactly_five_places():
    charge = charge_for(Decimal("1.2345678901"), 3333)
    assert charge == Decimal("4.11481") and charge.as_tuple().exponent == -5


def test_a_package_costs_its_rate_whatever_the_units():
    assert charge_for(Decimal("2.123456"), 500, per_package=True) == Decimal("2.12346")


def test_a_refund_of_a_third_rounds_down():
    assert refund_for(Decimal("1.00000"), undelivered=1, ordered=3) == Decimal("0.33333")
    assert refund_for(Decimal("1.00000"), undelivered=2, ordered=3) == Decimal("0.66666")


def test_three_thirds_refunded_one_by_one_never_exceed_the_charge():
    charge, refunded = Decimal("1.00000"), Decimal(0)
    for _ in range(3):
        refunded += refund_for(charge, undelivered=1, ordered=3, already_refunded=refunded)
    assert refunded == Decimal("0.99999") <= charge


def test_a_refund_never_exceeds_what_is_left():
    assert refund_for(Decimal("3"), undelivered=3, ordered=3, already_refunded=Decimal("0.5")) == Decimal(
        "2.5"
    )
    assert refund_for(Decimal("3"), undelivered=1, ordered=3, already_refunded=Decimal("3")) == 0


def test_more_undelivered_than_ordered_refunds_the_whole_charge_only():
    assert refund_for(Decimal("3"), undelivered=10, ordered=3) == Decimal("3")


@pytest.mark.parametrize(("undelivered", "ordered"), [(0, 10), (-1, 10), (5, 0)])
def test_nothing_undelivered_refunds_nothing(undelivered, ordered):
    assert refund_for(Decimal("3"), undelivered=undelivered, ordered=ordered) == 0


def test_the_smallest_share_of_a_tiny_charge_rounds_down_to_nothing():
    assert refund_for(Decimal("0.00001"), undelivered=1, ordered=2) == 0


def test_amounts_are_exact_or_refused():
    assert exact_amount("1.5") == Decimal("1.50000")
    with pytest.raises(ValueError, match="more than 5 decimal places"):
        exact_amount("0.000005")


@pytest.mark.parametrize("text", ["abc", "", "NaN", "-Infinity", "1,5", "0.000001"])
def test_parse_amount_refuses_what_is_not_an_exact_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_amount_knows_the_largest_amount_a_column_holds():
    assert parse_amount(str(MAX_AMOUNT)) == MAX_AMOUNT
    with pytest.raises(ValueError, match="too large"):
        parse_amount(str(MAX_AMOUNT + AMOUNT_QUANTUM))
