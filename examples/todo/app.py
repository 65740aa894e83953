"""A todo API: `fasterapi serve app:app --app-dir examples/todo`, then open /docs.

It shows routers, dependencies (a database per interpreter, the signed-in user, the
todo being asked for), models with constraints, error handlers, uploads and static files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from deps import TodoNotFound
from routers import account, attachments, todos
from store import Store, data_dir

from fasterapi import FastAPI, Request
from fasterapi.responses import JSONResponse, RedirectResponse
from fasterapi.staticfiles import StaticFiles


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Runs in every interpreter: each opens its own connection to the shared file.
    app.state.store = Store(data_dir())
    yield
    app.state.store.close()


app = FastAPI(title="Todo API", version="1.0.0", lifespan=lifespan)
app.include_router(account.router)
app.include_router(todos.router)
app.include_router(attachments.router)
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static", html=True),
          name="static")


@app.exception_handler(TodoNotFound)
async def todo_not_found(request: Request, exc: TodoNotFound) -> JSONResponse:
    return JSONResponse({"detail": f"Todo {exc.todo_id} not found"}, status_code=404)


@app.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/static/")
