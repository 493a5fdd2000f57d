"""The admin's dashboard: money by day for a period, and the chart drawn from it.

Revenue (charges less refunds, by the day the money moved) comes from billing's selector, orders and
provider cost (by the day the order was placed) from orders'; one query adds them up per day and for
the whole period, profit included, in exact decimals (`dashboard_days`). `chart` turns the days
into SVG coordinates: a static picture, so the admin's CSP (no inline script) holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from billing.money import ZERO, money_number
from billing.selectors import revenue_days
from orders.selectors import orders_by_day

PERIODS = (7, 30, 90)  # days the period picker offers
DEFAULT_PERIOD = 30


def dashboard_period(value: str | None) -> int:
    """The `days` GET parameter as a period in PERIODS; anything else is the default."""
    return int(value) if value in {str(days) for days in PERIODS} else DEFAULT_PERIOD


@dataclass(frozen=True)
class Day:
    """A day's (or, with `day` None, the whole period's) figures in the panel's currency."""

    day: datetime.date | None
    orders: int
    revenue: Decimal
    cost: Decimal
    profit: Decimal


def dashboard_days(*, since: datetime.datetime) -> tuple[list[Day], Day]:
    """The days from `since` that had orders or order money, oldest first, and the period's total;
    one query whatever the period, profit (revenue less provider cost) computed by the database."""
    revenue_sql, revenue_params = revenue_days(since=since).query.sql_with_params()
    orders_sql, orders_params = orders_by_day(since=since).query.sql_with_params()
    sql = f"""
        SELECT day, SUM(orders), SUM(revenue), SUM(cost), SUM(revenue) - SUM(cost)
        FROM (
            SELECT r.day, 0 AS orders, r.total AS revenue, 0 AS cost FROM ({revenue_sql}) r
            UNION ALL
            SELECT o.day, o.orders, 0, o.total FROM ({orders_sql}) o
        ) money
        GROUP BY ROLLUP (day)
        ORDER BY day NULLS LAST
    """  # noqa: S608 (the two selectors' own SQL, their values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*revenue_params, *orders_params])
        rows = [Day(day, int(orders or 0), *map(_amount, money)) for day, orders, *money in cursor]
    total = rows.pop() if rows else Day(None, 0, ZERO, ZERO, ZERO)
    return rows, total


def _amount(value: Decimal | None) -> Decimal:
    return ZERO if value is None else value


# --- The chart ------------------------------------------------------------------------------------

WIDTH, HEIGHT = 720, 220  # the SVG's user units
LEFT, TOP, BOTTOM = 72, 8, 24  # room for the y-axis' labels, the top tick and the dates
TICKS = 4  # intervals on the y-axis


def chart(*, days: list[datetime.date], figures: dict[datetime.date, Day]) -> dict:
    """Coordinates for the template's SVG: per day a revenue bar, a cost bar beside it and a
    point of the profit line; a y-axis with labelled ticks from the lowest figure (or 0) to the
    highest."""
    empty = Day(None, 0, ZERO, ZERO, ZERO)
    shown = [figures.get(day, empty) for day in days]
    values = [value for d in shown for value in (d.revenue, d.cost, d.profit)] + [ZERO]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(days)

    def y(value: Decimal) -> float:
        # Pixels, not money: the one place a float is fine.
        return round(TOP + float((high - value) / (high - low)) * plot_height, 2)

    zero = y(ZERO)
    label_every = {7: 1, 30: 7, 90: 14}.get(len(days), max(1, len(days) // 6))
    bars = []
    for index, (day, figure) in enumerate(zip(days, shown, strict=True)):
        x = LEFT + index * step
        bar_width = round((step - 2) / 2, 2)
        revenue_y, cost_y = y(figure.revenue), y(figure.cost)
        bars.append(
            {
                "day": day,
                "figure": figure,
                "revenue_x": round(x + 1, 2),
                "cost_x": round(x + 1 + bar_width, 2),
                "bar_width": bar_width,
                "revenue_y": min(revenue_y, zero),
                "revenue_height": round(abs(zero - revenue_y), 2),
                "cost_y": min(cost_y, zero),
                "cost_height": round(abs(zero - cost_y), 2),
                # A date under every few days, counted back from today's (the last).
                "label": (len(days) - 1 - index) % label_every == 0,
                "label_x": round(x + step / 2, 2),
            }
        )
    profit_line = " ".join(f"{round(LEFT + (i + 0.5) * step, 2)},{y(d.profit)}" for i, d in enumerate(shown))
    ticks = []
    for index in range(TICKS + 1):
        value = low + (high - low) * index / TICKS
        ticks.append({"y": y(value), "label": money_number(value.quantize(Decimal("0.01")))})
    return {
        "bars": bars,
        "profit_line": profit_line,
        "ticks": ticks,
        "zero": zero,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "plot_bottom": HEIGHT - BOTTOM,
        "date_y": HEIGHT - 8,
        "axis_title_y": round(TOP + plot_height / 2, 2),
    }
