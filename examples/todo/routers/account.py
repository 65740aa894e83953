"""Signing in (OAuth2's password flow, so /docs' Authorize button works) and /me."""

from __future__ import annotations

from typing import Annotated

from auth import issue_token
from deps import UserDep
from models import Token

from fasterapi import APIRouter, Depends
from fasterapi.security import OAuth2PasswordRequestForm

router = APIRouter(tags=["account"])


@router.post("/token")
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a username and password (form fields) for a bearer token."""
    return Token(access_token=issue_token(form.username, form.password))


@router.get("/me")
def me(user: UserDep) -> dict[str, str]:
    return {"username": user}
