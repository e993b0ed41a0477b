"""The money terms a client sends: an hourly rate in the currency's units (a decimal string or
a number) to integer hundredths, an ISO 4217 currency, a weekly limit in hours to minutes.
Every value has a bound; a bad one is a 422 with a sentence."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from workdiary.server.errors import Unprocessable

MAX_RATE = Decimal(100_000)  # per hour: anything above is a typo
MAX_WEEKLY_HOURS = Decimal(168)
_CURRENCIES = frozenset(list_currencies())


def _decimal(value: str | int | float, what: str, code: str) -> Decimal:
    if isinstance(value, bool):
        raise Unprocessable(f"{what} must be a number.", code=code)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise Unprocessable(f"{what} must be a number such as 25.50, not {value!r}.",
                            code=code) from exc
    if not number.is_finite():
        raise Unprocessable(f"{what} must be a finite number.", code=code)
    return number


def rate_to_cents(rate: str | int | float) -> int:
    """``"25.50"`` -> 2550; at most two decimals, 0 to 100,000 an hour."""
    number = _decimal(rate, "the hourly rate", "invalid_rate")
    if not 0 <= number <= MAX_RATE:
        raise Unprocessable("the hourly rate must be between 0 and 100,000.",
                            code="invalid_rate")
    cents = number * 100
    if cents != cents.to_integral_value():
        raise Unprocessable("the hourly rate has at most two decimals (whole cents).",
                            code="invalid_rate")
    return int(cents)


def hours_to_minutes(hours: str | int | float | None) -> int | None:
    """Weekly limit hours -> whole minutes (None: no limit); 1 minute to 168 hours."""
    if hours is None:
        return None
    number = _decimal(hours, "the weekly limit", "invalid_limit")
    minutes = (number * 60).to_integral_value()
    if not 0 < number <= MAX_WEEKLY_HOURS or minutes < 1:
        raise Unprocessable("the weekly limit must be more than 0 and at most 168 hours "
                            "(or null for no limit).", code="invalid_limit")
    return int(minutes)


def check_currency(currency: str) -> str:
    code = currency.strip().upper()
    if len(code) != 3 or code not in _CURRENCIES:
        raise Unprocessable(f"{currency!r} is not an ISO 4217 currency code such as USD or EUR.",
                            code="invalid_currency")
    return code


def check_terms(*, rate_cents: int, currency: str, weekly_limit_minutes: int | None) -> str:
    """Check terms already in cents and minutes; returns the currency code upper-case."""
    if not 0 <= rate_cents <= int(MAX_RATE * 100):
        raise Unprocessable("the hourly rate must be between 0 and 100,000.",
                            code="invalid_rate")
    if weekly_limit_minutes is not None and not 0 < weekly_limit_minutes <= 168 * 60:
        raise Unprocessable("the weekly limit must be 1 minute to 168 hours.",
                            code="invalid_limit")
    return check_currency(currency)
