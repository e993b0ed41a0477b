"""Request bodies of the self-service account endpoints (every field bounded)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from workdiary.server.api.schemas import Strict
from workdiary.server.services.account_tokens import MAX_TOKEN
from workdiary.server.services.accounts import MAX_NAME, MAX_PASSWORD

Password = Field(min_length=1, max_length=MAX_PASSWORD)


class AccountCreate(Strict):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field(min_length=1, max_length=MAX_NAME)
    password: str = Password
    role: Literal["client", "freelancer"]  # sign-up never makes an admin


class TokenBody(Strict):
    token: str = Field(min_length=1, max_length=MAX_TOKEN)


class PasswordResetRequest(Strict):
    email: str = Field(min_length=1, max_length=254)


class PasswordResetConfirm(Strict):
    token: str = Field(min_length=1, max_length=MAX_TOKEN)
    password: str = Password


class PasswordChange(Strict):
    current_password: str = Password
    new_password: str = Password


class Notice(BaseModel):
    """An accepted request that acts later (a mail queued), in a sentence."""

    message: str
