# mypy: disable-error-code="no-untyped-def"
"""Differential app: pydantic models under both frameworks (FasterAPI hands them to pydantic
and, since pydantic-core refuses sub-interpreters, serves the app in shared mode). Served
under FastAPI and FasterAPI by tests/py/test_diff_pydantic.py."""

import pydantic
from framework import fw


class Tag(pydantic.BaseModel):
    label: str = pydantic.Field(min_length=2)


class Post(pydantic.BaseModel):
    title: str
    tags: list[Tag] = []
    secret: str = "s"


class PublicPost(pydantic.BaseModel):
    title: str
    tags: list[Tag] = []


app = fw.FastAPI()


@app.post("/posts", response_model=PublicPost)
def create(post: Post, q: int = 0):
    return post


@app.post("/posts-annotated")
def annotated(posts: list[Post]) -> list[PublicPost]:
    return posts  # type: ignore[return-value]


@app.get("/bad", response_model=PublicPost)
def bad():
    return {"tags": "x"}


@app.get("/direct")
def direct():
    return Post(title="t", tags=[Tag(label="ab")])
