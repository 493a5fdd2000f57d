"""What can go wrong with a provider call, as exceptions that say whether to try again."""

from provider.statuses import PERMANENT_KINDS, RefusalKind, classify_refusal

MAX_MESSAGE = 300  # characters of a provider's error text that are kept


class ProviderError(Exception):
    """A provider call that did not give a usable answer.

    `permanent`: repeating the same request can never succeed.
    `outcome_unknown`: the request may have reached the provider and been acted on, so an `add`
    that failed this way must not be sent again automatically (an admin decides).
    """

    permanent: bool = False
    outcome_unknown: bool = False


class ProviderRefused(ProviderError):
    """The provider answered `{"error": message}`: it received the request and did not act on it.

    `kind` is what the message means (a `RefusalKind`); `permanent` follows from it. A message that
    is not recognised is `OTHER` and not permanent: an order is retried later and the admin told,
    rather than refunded on a guess.
    """

    def __init__(self, message: str, *, permanent: bool, kind: RefusalKind = RefusalKind.OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.kind = kind

    @classmethod
    def from_text(cls, message: str) -> "ProviderRefused":
        kind = classify_refusal(message)
        # Cut: the text ends up in order events (500 characters) and errors; a provider's page-long
        # "error" must not fail the write of a whole chunk.
        return cls(message[:MAX_MESSAGE], permanent=kind in PERMANENT_KINDS, kind=kind)

    def __repr__(self) -> str:
        return f"ProviderRefused({self.message!r}, permanent={self.permanent}, kind={self.kind.value!r})"


class ProviderBadAnswer(ProviderError):
    """An answer came but is unusable: HTTP 5xx, HTML, broken or truncated JSON, or the wrong shape.

    The provider got the request, so after `add` the order may exist. `status_code` is the HTTP status.
    """

    outcome_unknown = True

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ProviderOutcomeUnknown(ProviderError):
    """The request was (possibly) sent but no answer came: a read timeout, a reset after sending."""

    outcome_unknown = True


class ProviderUnreachable(ProviderError):
    """No connection was made (connect timeout, refused, DNS, TLS): the provider saw nothing."""
