"""The bundled server: the real in-memory LangGraph Agent Server run as a child process
(`local`), the `langgraph.json` rewriting that lets it run from any directory
(`graph_config`), and the example graphs `hil demo` serves (`demo/`)."""
