"""The HTTP API (FastAPI on uvicorn): the contract's paths on the same use cases as the bots."""
