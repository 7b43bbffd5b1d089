"""An independent MCP client for `ipfs-kit mcp`: the official Python SDK (PyPI `mcp`).

Usage: client.py IPFS_KIT_BINARY. Starts `ipfs-kit mcp` over stdio (the environment it runs
in is this script's), lists the tools, calls a few and a bad one, reads a resource, and
prints one JSON line with what it saw; exits 1 on anything unexpected.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation


def structured(result):
    if result.is_error:
        raise SystemExit(f"tool failed: {result.content}")
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


async def main(binary: str) -> None:
    params = StdioServerParameters(command=binary, args=["mcp"], env=dict(os.environ))
    async with stdio_client(params) as (read, write):
        async with ClientSession(
            read, write, client_info=Implementation(name="python-sdk-test", version="1.0")
        ) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            names = sorted(t.name for t in tools.tools)
            hints = {
                t.name: bool(t.annotations and t.annotations.read_only_hint) for t in tools.tools
            }
            status = structured(await session.call_tool("dashboard_get_status_summary", {}))
            widgets = structured(await session.call_tool("dashboard_list_widgets", {}))
            ops = structured(
                await session.call_tool("dashboard_get_operations_history", {"limit": 3})
            )
            refused = await session.call_tool("pin_add", {"cid": "bafyfoo"})
            resource = await session.read_resource("ipfs-kit://operations")
            again = await session.list_tools()
            print(
                json.dumps(
                    {
                        "server": init.server_info.name,
                        "tools": names,
                        "all_read_only": all(hints.values()),
                        "status": status.get("status"),
                        "widgets": len(widgets.get("widgets", [])),
                        "operations": ops,
                        "refused": {
                            "is_error": refused.is_error,
                            "text": refused.content[0].text,
                        },
                        "resource_operations": len(
                            json.loads(resource.contents[0].text)["operations"]
                        ),
                        "still_answering": len(again.tools) == len(names),
                    }
                )
            )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
