"""A representative API for the OpenAPI tests: its /openapi.json is validated, fuzzed with
schemathesis and rendered by Swagger UI in headless Chromium.

With SWAGGER_UI_DIR set (a directory holding the swagger-ui-dist npm package's files), the
Swagger UI page loads its assets from this app under /assets instead of the CDN, which is
how an app without Internet access self-hosts its docs.
"""

import datetime
import enum
import mimetypes
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from fasterapi import (
    APIRouter,
    Body,
    Depends,
    FastAPI,
    Field,
    Header,
    HTTPException,
    Model,
    Query,
    Response,
    Security,
)
from fasterapi import (
    Path as PathParam,
)
from fasterapi.openapi.docs import get_swagger_ui_html
from fasterapi.security import APIKeyHeader, HTTPBasic, HTTPBearer, OAuth2PasswordBearer

ASSETS = os.environ.get("SWAGGER_UI_DIR")

app = FastAPI(
    title="Pet shop",
    version="2.0.0",
    description="Pets and their owners.",
    openapi_tags=[{"name": "pets", "description": "Everything about pets"}],
    docs_url=None if ASSETS else "/docs",
)

oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"pets:write": "Change pets"})
bearer = HTTPBearer(auto_error=False)
basic = HTTPBasic(auto_error=False)
api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


class Species(str, enum.Enum):
    cat = "cat"
    dog = "dog"
    fish = "fish"


class Owner(Model):
    """Who looks after a pet."""

    name: str = Field(min_length=1, max_length=40)
    email: str | None = None


class Pet(Model):
    name: str = Field(min_length=1, max_length=40, description="What it answers to")
    species: Species
    age: int = Field(0, ge=0, le=100)
    weight: float | None = Field(None, gt=0)
    tags: list[str] = Field(default_factory=list)
    owner: Owner | None = None
    born: datetime.date | None = None


@dataclass
class Visit:
    pet_id: int
    reason: Literal["checkup", "illness", "other"] = "checkup"
    notes: list[str] = field(default_factory=list)


class Message(Model):
    detail: str


PETS: dict[int, Pet] = {}


@app.get("/pets", tags=["pets"], response_model=list[Pet])
def list_pets(
    species: Species | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    name: Annotated[str | None, Query(max_length=40, pattern="^[a-z]+$")] = None,
) -> list[Pet]:
    """List the pets, optionally of one species."""
    pets = [p for p in PETS.values() if species is None or p.species == species]
    return [p for p in pets if name is None or p.name == name][:limit]


@app.post("/pets", tags=["pets"], status_code=201, response_model=Pet)
def create_pet(pet: Pet, token: Annotated[str | None, Depends(bearer)] = None) -> Pet:
    """Add a pet."""
    PETS[len(PETS) + 1] = pet
    return pet


@app.get("/pets/{pet_id}", tags=["pets"], response_model=Pet,
         responses={404: {"model": Message, "description": "No such pet"}})
def read_pet(pet_id: Annotated[int, PathParam(ge=1)]) -> Pet:
    if pet_id not in PETS:
        raise HTTPException(status_code=404, detail="No such pet")
    return PETS[pet_id]


@app.delete("/pets/{pet_id}", tags=["pets"], status_code=204,
            responses={404: {"model": Message}})
def delete_pet(pet_id: int, key: Annotated[str | None, Depends(api_key)] = None) -> None:
    if pet_id not in PETS:
        raise HTTPException(status_code=404, detail="No such pet")
    del PETS[pet_id]


@app.post("/visits", response_model=Visit)
def book_visit(visit: Annotated[Visit, Body(embed=True)],
               when: Annotated[datetime.datetime | None, Body()] = None,
               x_clinic: Annotated[str | None, Header(max_length=20)] = None) -> Visit:
    return visit


@app.get("/ids/{item_id}")
def echo_uuid(item_id: uuid.UUID) -> dict[str, str]:
    return {"id": str(item_id)}


def current_user(token: Annotated[str, Security(oauth2, scopes=["pets:write"])]) -> str:
    return token


admin = APIRouter(prefix="/admin", tags=["admin"])


@admin.get("/stats")
def stats(user: Annotated[str, Depends(current_user)]) -> dict[str, int]:
    return {"pets": len(PETS)}


@admin.get("/whoami", deprecated=True)
def whoami(credentials: Annotated[object, Depends(basic)] = None) -> dict[str, bool]:
    return {"known": credentials is not None}


app.include_router(admin)


if ASSETS:
    assets = Path(ASSETS)

    @app.get("/assets/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        target = assets / name
        if "/" in name or not target.is_file():
            raise HTTPException(status_code=404)
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(target.read_bytes(), media_type=media_type)

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title} - Swagger UI",
            swagger_js_url="/assets/swagger-ui-bundle.js",
            swagger_css_url="/assets/swagger-ui.css",
            swagger_favicon_url="/assets/favicon-32x32.png")
