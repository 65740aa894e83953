"""Who is asking: demo users, signed bearer tokens and the `current_user` dependency."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from store import data_dir, signing_key

from fasterapi import Depends, HTTPException, status
from fasterapi.security import OAuth2PasswordBearer

# Demo accounts; a real app keeps password hashes in its database.
USERS = {"alice": "wonderland", "bob": "builder"}
SECRET = signing_key(data_dir())

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def issue_token(username: str, password: str) -> str:
    """A token for the user, or 400 as FastAPI's OAuth2 tutorial answers bad credentials."""
    expected = USERS.get(username)
    if expected is None or not hmac.compare_digest(expected, password):
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return f"{username}.{_signature(username)}"


def current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> str:
    username, _, signature = token.partition(".")
    if username not in USERS or not hmac.compare_digest(signature, _signature(username)):
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Invalid authentication credentials",
                            headers={"WWW-Authenticate": "Bearer"})
    return username


def _signature(username: str) -> str:
    return hmac.new(SECRET, username.encode(), hashlib.sha256).hexdigest()
