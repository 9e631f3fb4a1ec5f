"""A mock model for the LiteLLM proxy (Benchmarks/bench-litellm): answers autodev's tier-5
prompt in its answer format, one file per work item, without any network call. LiteLLM loads
it through `litellm_settings.custom_provider_map` and accounts for it as for any model."""
import re

import litellm
from litellm import CustomLLM


def answer(messages):
    prompt = "\n".join(m.get("content") or "" for m in messages if isinstance(m.get("content"), str))
    out = []
    for work in re.findall(r"^## Work (\S+)", prompt, flags=re.M):
        name = "W" + re.sub(r"[^A-Za-z0-9]", "", work)[:8]
        out.append(f"=== WORK {work} ===\nSources/Generated/{name}.swift\n```swift\nenum {name} {{}}\n```\n")
    return "\n".join(out) or "OK"


class MockModel(CustomLLM):
    def completion(self, model, messages, *args, **kwargs):
        return litellm.completion(model="gpt-4o-mini", messages=messages, mock_response=answer(messages))

    async def acompletion(self, model, messages, *args, **kwargs):
        return await litellm.acompletion(model="gpt-4o-mini", messages=messages, mock_response=answer(messages))


handler = MockModel()
