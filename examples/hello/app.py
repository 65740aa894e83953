"""The example app `make run` serves: fasterapi serve app:app --port 8000."""

from dataclasses import dataclass

from fasterapi import FastAPI, HTTPException

app = FastAPI(title="hello")


@dataclass
class Item:
    name: str
    price: float
    tags: list[str]


@app.get("/")
def root() -> dict[str, str]:
    return {"message": "Hello, World!"}


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None) -> dict[str, object]:
    return {"item_id": item_id, "q": q}


@app.post("/items", status_code=201)
def create_item(item: Item) -> Item:
    if item.price < 0:
        raise HTTPException(status_code=400, detail="price must not be negative")
    return item


@app.get("/async")
async def hello_async() -> dict[str, str]:
    return {"hello": "async"}
