"""SQLAlchemy models: import this package to register every table on ``Base.metadata``."""

from workdiary.server.models.accounts import (
    ROLES,
    ApiToken,
    Device,
    LoginFailure,
    User,
    WebSessionRow,
)
from workdiary.server.models.base import Base, UTCDateTime, new_id
from workdiary.server.models.billing import (
    Dispute,
    DisputeMessage,
    DisputeSegment,
    Invoice,
    LedgerEntry,
)
from workdiary.server.models.contract_history import ContractEvent, ContractPolicy, ContractTerms
from workdiary.server.models.contracts import Contract
from workdiary.server.models.marketplace import AuditEntry, MailRow
from workdiary.server.models.organisations import (
    ORG_ROLES,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
)
from workdiary.server.models.segments import (
    Screenshot,
    SegmentDayTotal,
    SegmentRow,
    SegmentScreenshot,
)
from workdiary.server.models.selfservice import AccountToken, MailRequest

__all__ = [
    "ORG_ROLES",
    "ROLES",
    "AccountToken",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Contract",
    "ContractEvent",
    "ContractPolicy",
    "ContractTerms",
    "Device",
    "Dispute",
    "DisputeMessage",
    "DisputeSegment",
    "Invoice",
    "LedgerEntry",
    "LoginFailure",
    "MailRequest",
    "MailRow",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMember",
    "Screenshot",
    "SegmentDayTotal",
    "SegmentRow",
    "SegmentScreenshot",
    "UTCDateTime",
    "User",
    "WebSessionRow",
    "new_id",
]
