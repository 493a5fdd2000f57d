import pytest
from hypothesis import given
from hypothesis import strategies as st

from provider.statuses import (
    FINAL_STATUSES,
    OrderStatus,
    RefillStatus,
    normalize_order_status,
    normalize_refill_status,
    squash,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pending", OrderStatus.PENDING),
        ("pending", OrderStatus.PENDING),
        ("In progress", OrderStatus.IN_PROGRESS),
        ("in_progress", OrderStatus.IN_PROGRESS),
        ("In_progress", OrderStatus.IN_PROGRESS),
        ("INPROGRESS", OrderStatus.IN_PROGRESS),
        ("in-progress", OrderStatus.IN_PROGRESS),
        ("Active", OrderStatus.IN_PROGRESS),
        ("Processing", OrderStatus.PROCESSING),
        ("Completed", OrderStatus.COMPLETED),
        ("completed", OrderStatus.COMPLETED),
        (" COMPLETED ", OrderStatus.COMPLETED),
        ("Partial", OrderStatus.PARTIAL),
        ("Partially completed", OrderStatus.PARTIAL),
        ("Canceled", OrderStatus.CANCELED),
        ("Cancelled", OrderStatus.CANCELED),
        ("Cancel", OrderStatus.CANCELED),
        ("Refunded", OrderStatus.CANCELED),
        (0, OrderStatus.PENDING),
        (1, OrderStatus.IN_PROGRESS),
        (2, OrderStatus.COMPLETED),
        (3, OrderStatus.PARTIAL),
        (4, OrderStatus.CANCELED),
        (5, OrderStatus.PROCESSING),
        ("2", OrderStatus.COMPLETED),
        (" 4 ", OrderStatus.CANCELED),
    ],
)
def test_order_status_spellings_map_to_the_api_v2_names(raw: object, expected: OrderStatus) -> None:
    assert normalize_order_status(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "  ", "Unknown", "unknown", "6", 42, -1, True, False, 2.0, "Completed!", "Not completed", {}],
)
def test_unknown_or_empty_order_statuses_are_none(raw: object) -> None:
    assert normalize_order_status(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pending", RefillStatus.PENDING),
        ("In progress", RefillStatus.IN_PROGRESS),
        ("in_progress", RefillStatus.IN_PROGRESS),
        ("Processing", RefillStatus.IN_PROGRESS),
        ("Completed", RefillStatus.COMPLETED),
        ("completed", RefillStatus.COMPLETED),
        ("Rejected", RefillStatus.REJECTED),
        ("Refused", RefillStatus.REJECTED),
        ("Canceled", RefillStatus.REJECTED),
        ("Cancelled", RefillStatus.REJECTED),
    ],
)
def test_refill_status_spellings_map_to_the_api_v2_names(raw: str, expected: RefillStatus) -> None:
    assert normalize_refill_status(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "Unknown", "2", 2, "Done?"])
def test_unknown_refill_statuses_are_none(raw: object) -> None:
    assert normalize_refill_status(raw) is None


def test_statuses_are_text_choices_with_the_api_v2_values() -> None:
    assert [s.value for s in OrderStatus] == [
        "Pending", "In progress", "Processing", "Completed", "Partial", "Canceled",
    ]  # fmt: skip
    assert OrderStatus.IN_PROGRESS.label == "In progress"
    assert {OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED} == FINAL_STATUSES
    assert [s.value for s in RefillStatus] == ["Pending", "In progress", "Completed", "Rejected"]


# Every spelling that may yield a final status, written out independently of the module's tables.
FINAL_SPELLINGS = {
    "completed", "complete", "partial", "partiallycompleted", "partiallyrefunded",
    "canceled", "cancelled", "cancel", "refunded", "2", "3", "4",
}  # fmt: skip


@given(st.text(max_size=30))
def test_random_text_never_normalises_to_a_final_status_unless_it_spells_one(raw: str) -> None:
    status = normalize_order_status(raw)
    if status in FINAL_STATUSES:
        assert squash(raw.strip()) in FINAL_SPELLINGS


@given(st.integers().filter(lambda n: n not in range(6)))
def test_numbers_outside_the_known_codes_are_unknown(raw: int) -> None:
    assert normalize_order_status(raw) is None
    assert normalize_order_status(str(raw)) is None
