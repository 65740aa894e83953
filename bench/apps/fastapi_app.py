"""The benchmark app for FastAPI-based peers (uvicorn, Granian)."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/json")
def json_() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None) -> dict[str, object]:
    return {"item_id": item_id, "q": q}
