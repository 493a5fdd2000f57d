"""`cost_rate` is what a service costs us per 1000 (per package) in the panel's currency: the
provider's rate times its currency factor, unrounded; a fixed selling rate below it is refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.pricing import cost_rate, fixed_rate_check


def test_the_cost_rate_converts_the_providers_rate_without_rounding():
    assert cost_rate(provider_rate=Decimal("1.23456"), currency_factor=Decimal("0.9")) == Decimal("1.111104")


def test_a_fixed_rate_below_the_cost_rate_is_refused_naming_it():
    with pytest.raises(ValidationError, match=r"below the cost of 1\.111104"):
        fixed_rate_check(Decimal("1.1111"), provider_rate=Decimal("1.23456"), currency_factor=Decimal("0.9"))
