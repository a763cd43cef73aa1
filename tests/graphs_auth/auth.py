"""Custom auth for the 401/403 tests: `x-api-key` must be `good-key` (or `reader-key`).

No key or an unknown key → 401 "Invalid API key"; `reader-key` authenticates but may not
create or read anything → 403 (an `@auth.on` handler returning False).
"""

from langgraph_sdk import Auth

auth = Auth()

KEYS = {"good-key": "writer", "reader-key": "reader"}


@auth.authenticate
async def authenticate(headers: dict) -> Auth.types.MinimalUserDict:
    raw = headers.get(b"x-api-key") or headers.get("x-api-key")
    key = raw.decode() if isinstance(raw, bytes) else raw
    if key not in KEYS:
        raise Auth.exceptions.HTTPException(status_code=401, detail="Invalid API key")
    return {"identity": KEYS[key]}


@auth.on
async def only_writers(ctx: Auth.types.AuthContext, value: dict) -> bool:
    return ctx.user.identity == "writer"
