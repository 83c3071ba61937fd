#!/usr/bin/env python3
"""Writes the LiteLLM cost fixture Tally's tests compare against (issue 19).

Run by hand, not in CI (docs/metering.md, "Checked against LiteLLM"):

    python3 -m venv /tmp/litellm-venv
    /tmp/litellm-venv/bin/pip install 'litellm==1.110.2'
    /tmp/litellm-venv/bin/python scripts/litellm-fixture/make_fixture.py

It writes, under Tests/Fixtures/litellm/:

- model_prices_and_context_window.json: LiteLLM's whole price file as the installed version
  ships it (the test imports it in one upload and checks the preview's counts);
- entries.json: the price entries the cases use, verbatim, as a LiteLLM file of their own;
- cases.json: LiteLLM's version, the price entries the cases use (verbatim), and for each case
  the model, the provider's own usage object, the service tier, and LiteLLM's cost as it
  computes it (`cost_per_token`, or `batch_cost_calculator` for batch calls), with that cost in
  nano-USD rounded half to even (Tally's rounding).

LiteLLM is told to use its bundled price file (LITELLM_LOCAL_MODEL_COST_MAP), so the result
depends on the installed version only.
"""

import json
import os
import shutil
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import litellm  # noqa: E402
from litellm.cost_calculator import batch_cost_calculator  # noqa: E402
from litellm.llms.anthropic.chat.transformation import AnthropicConfig  # noqa: E402
from litellm.llms.bedrock.chat.converse_transformation import AmazonConverseConfig  # noqa: E402
from litellm.llms.vertex_ai.gemini.vertex_and_google_ai_studio_gemini import VertexGeminiConfig  # noqa: E402
from litellm.types.utils import Usage  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "litellm"


def openai(prompt, completion, cached=0, reasoning=0, audio_in=0, audio_out=0, image_in=0):
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    details = {k: v for k, v in [("cached_tokens", cached), ("audio_tokens", audio_in), ("image_tokens", image_in)] if v}
    if details:
        usage["prompt_tokens_details"] = details
    out = {k: v for k, v in [("reasoning_tokens", reasoning), ("audio_tokens", audio_out)] if v}
    if out:
        usage["completion_tokens_details"] = out
    return usage


def responses(prompt, completion, cached=0, reasoning=0):
    return {
        "input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion,
        "input_tokens_details": {"cached_tokens": cached}, "output_tokens_details": {"reasoning_tokens": reasoning},
    }


def anthropic(inp, out, read=0, write_5m=0, write_1h=0):
    usage = {"input_tokens": inp, "output_tokens": out}
    if read:
        usage["cache_read_input_tokens"] = read
    if write_5m or write_1h:
        usage["cache_creation_input_tokens"] = write_5m + write_1h
        usage["cache_creation"] = {"ephemeral_5m_input_tokens": write_5m, "ephemeral_1h_input_tokens": write_1h}
    return usage


def gemini(prompt, candidates, cached=0, thoughts=0, audio=0):
    usage = {"promptTokenCount": prompt, "candidatesTokenCount": candidates, "totalTokenCount": prompt + candidates + thoughts}
    if cached:
        usage["cachedContentTokenCount"] = cached
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    if audio:
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt - audio}, {"modality": "AUDIO", "tokenCount": audio}]
    return usage


def bedrock(inp, out, read=0, write=0):
    usage = {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out + read + write}
    if read:
        usage["cacheReadInputTokens"] = read
    if write:
        usage["cacheWriteInputTokens"] = write
    return usage


# (id, LiteLLM model key, provider, shape, usage object, service tier, call)
CASES = [
    # OpenAI Chat Completions and Responses: cached input, reasoning billed as output.
    ("openai-gpt-4o", "gpt-4o", "openai", "openai", openai(1200, 300), None, "completion"),
    ("openai-gpt-4o-cached", "gpt-4o", "openai", "openai", openai(1200, 300, cached=1000), None, "completion"),
    ("openai-gpt-4o-mini", "gpt-4o-mini", "openai", "openai", openai(15000, 2000, cached=4096), None, "completion"),
    ("openai-gpt-4.1", "gpt-4.1", "openai", "openai", openai(52000, 1800, cached=40000), None, "completion"),
    ("openai-gpt-4.1-mini", "gpt-4.1-mini", "openai", "openai", openai(333, 777), None, "completion"),
    ("openai-o3-reasoning", "o3", "openai", "openai", openai(2000, 5000, reasoning=4200), None, "completion"),
    ("openai-o4-mini-reasoning", "o4-mini", "openai", "openai", openai(900, 3000, cached=512, reasoning=2500), None, "completion"),
    ("openai-gpt-5-responses", "gpt-5", "openai", "responses", responses(10000, 4000, cached=6000, reasoning=3000), None, "completion"),
    ("openai-gpt-5-mini-responses", "gpt-5-mini", "openai", "responses", responses(1234, 5678, reasoning=4000), None, "completion"),
    # Service tiers.
    ("openai-gpt-4o-priority", "gpt-4o", "openai", "openai", openai(1200, 300, cached=1000), "priority", "completion"),
    ("openai-o3-flex", "o3", "openai", "openai", openai(2000, 5000, cached=1024, reasoning=4000), "flex", "completion"),
    ("openai-gpt-5-flex", "gpt-5", "openai", "openai", openai(8000, 2000, cached=2000, reasoning=1500), "flex", "completion"),
    ("openai-gpt-5-mini-priority", "gpt-5-mini", "openai", "openai", openai(8000, 2000, cached=2000), "priority", "completion"),
    ("openai-o4-mini-priority", "o4-mini", "openai", "openai", openai(3000, 1000, reasoning=600), "priority", "completion"),
    # Batch.
    ("openai-gpt-4o-batch", "gpt-4o", "openai", "openai", openai(100000, 20000), "batch", "batch"),
    ("openai-gpt-4o-mini-batch", "gpt-4o-mini", "openai", "openai", openai(77777, 11111), "batch", "batch"),
    ("openai-gpt-4.1-batch", "gpt-4.1", "openai", "openai", openai(5000, 5000), "batch", "batch"),
    ("anthropic-sonnet-4-5-batch", "claude-sonnet-4-5", "anthropic", "anthropic", anthropic(30000, 4000), "batch", "batch"),
    ("anthropic-haiku-4-5-batch", "claude-haiku-4-5", "anthropic", "anthropic", anthropic(12000, 3000), "batch", "batch"),
    # Anthropic Messages: cache reads, 5-minute and 1-hour writes.
    ("anthropic-sonnet-4-5-write-5m", "claude-sonnet-4-5", "anthropic", "anthropic", anthropic(50, 500, write_5m=20000), None, "completion"),
    ("anthropic-haiku-4-5-write-1h", "claude-haiku-4-5", "anthropic", "anthropic", anthropic(1200, 400, read=5000, write_1h=3000), None, "completion"),
    ("anthropic-sonnet-4-5-read", "claude-sonnet-4-5", "anthropic", "anthropic", anthropic(800, 1200, read=45000), None, "completion"),
    ("anthropic-sonnet-4-5-both-writes", "claude-sonnet-4-5", "anthropic", "anthropic", anthropic(100, 900, read=1000, write_5m=2000, write_1h=4000), None, "completion"),
    ("anthropic-opus-4-5-write-1h", "claude-opus-4-5", "anthropic", "anthropic", anthropic(3000, 2500, write_1h=12000), None, "completion"),
    ("anthropic-opus-4-5-plain", "claude-opus-4-5", "anthropic", "anthropic", anthropic(4321, 1234), None, "completion"),
    ("anthropic-haiku-4-5-plain", "claude-haiku-4-5", "anthropic", "anthropic", anthropic(7, 3), None, "completion"),
    # LiteLLM's own Usage object for an Anthropic call (OpenAI keys plus cache keys).
    ("litellm-usage-sonnet-4-5", "claude-sonnet-4-5", "anthropic", "litellm",
     {"prompt_tokens": 25050, "completion_tokens": 500, "total_tokens": 25550, "cache_creation_input_tokens": 20000,
      "cache_read_input_tokens": 5000, "prompt_tokens_details": {"cached_tokens": 5000}}, None, "completion"),
    # Gemini usageMetadata, both sides of the 200k tier (cached tokens included in the tier).
    ("gemini-2.5-pro-below-200k", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(150000, 3500), None, "completion"),
    ("gemini-2.5-pro-at-200k", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(200000, 1000), None, "completion"),
    ("gemini-2.5-pro-above-200k", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(300000, 3500), None, "completion"),
    ("gemini-2.5-pro-above-200k-cached", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(250000, 1000, cached=100000), None, "completion"),
    ("gemini-2.5-pro-below-200k-cached", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(120000, 1000, cached=100000), None, "completion"),
    ("gemini-2.5-pro-thoughts-above", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(210000, 800, thoughts=2000), None, "completion"),
    ("gemini-2.5-pro-thoughts-below", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(1000, 800, thoughts=2000), None, "completion"),
    ("gemini-2.5-pro-priority-above", "gemini-2.5-pro", "vertex_ai", "gemini", gemini(300000, 3500), "priority", "completion"),
    ("gemini-2.5-flash-thoughts", "gemini-2.5-flash", "vertex_ai", "gemini", gemini(5000, 700, thoughts=1500), None, "completion"),
    ("gemini-2.5-flash-audio", "gemini-2.5-flash", "vertex_ai", "gemini", gemini(9000, 500, audio=6000), None, "completion"),
    ("gemini-2.5-flash-cached", "gemini-2.5-flash", "vertex_ai", "gemini", gemini(40000, 500, cached=30000), None, "completion"),
    # Bedrock Converse.
    ("bedrock-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "bedrock", bedrock(2000, 600), None, "completion"),
    ("bedrock-sonnet-4-5-cache", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "bedrock", bedrock(100, 300, read=8000, write=3000), None, "completion"),
    ("bedrock-sonnet-4-5-above-200k", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock", "bedrock", bedrock(150000, 2000, read=60000), None, "completion"),
    ("bedrock-claude-3-5-sonnet", "anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", "bedrock", bedrock(4000, 1000, read=1000, write=500), None, "completion"),
    ("bedrock-nova-pro", "amazon.nova-pro-v1:0", "bedrock", "bedrock", bedrock(6000, 900, read=2000), None, "completion"),
    # Embeddings (input only).
    ("embedding-3-small", "text-embedding-3-small", "openai", "openai", openai(81920, 0), None, "embedding"),
    ("embedding-3-large", "text-embedding-3-large", "openai", "openai", openai(12345, 0), None, "embedding"),
    ("embedding-3-small-batch", "text-embedding-3-small", "openai", "openai", openai(1000000, 0), "batch", "batch"),
    # Audio tokens in and out.
    ("audio-gpt-realtime", "gpt-realtime", "openai", "openai", openai(3000, 2000, audio_in=2500, audio_out=1800), None, "completion"),
    ("audio-gpt-realtime-cached", "gpt-realtime", "openai", "openai", openai(6000, 500, cached=1000, audio_in=1000, image_in=200), None, "completion"),
]


def litellm_usage(shape, usage, model):
    if shape in ("openai", "litellm"):
        return Usage(**usage)
    if shape == "responses":
        return Usage(
            prompt_tokens=usage["input_tokens"], completion_tokens=usage["output_tokens"], total_tokens=usage["total_tokens"],
            prompt_tokens_details={"cached_tokens": usage["input_tokens_details"]["cached_tokens"]},
            completion_tokens_details={"reasoning_tokens": usage["output_tokens_details"]["reasoning_tokens"]},
        )
    if shape == "anthropic":
        return AnthropicConfig().calculate_usage(usage, reasoning_content=None)
    if shape == "gemini":
        return VertexGeminiConfig._calculate_usage({"usageMetadata": usage})
    if shape == "bedrock":
        return AmazonConverseConfig().transform_usage(usage)
    raise ValueError(shape)


def main():
    prices = json.loads(Path(litellm.__file__).with_name("model_prices_and_context_window_backup.json").read_text())
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(litellm.__file__).with_name("model_prices_and_context_window_backup.json"),
                    OUT / "model_prices_and_context_window.json")
    cases = []
    for case_id, model, provider, shape, usage, tier, call in CASES:
        u = litellm_usage(shape, usage, model)
        if call == "batch":
            prompt, completion = batch_cost_calculator(u, model, custom_llm_provider=provider)
        elif call == "embedding":
            prompt, completion = litellm.cost_per_token(
                model=model, custom_llm_provider=provider, prompt_tokens=u.prompt_tokens, completion_tokens=0,
                call_type="embedding")
        else:
            prompt, completion = litellm.cost_per_token(
                model=model, custom_llm_provider=provider, usage_object=u, service_tier=tier)
        total = prompt + completion
        nanos = (Decimal(repr(total)) * Decimal(10**9)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        cases.append({
            "id": case_id, "model": model, "provider": provider, "shape": shape, "usage": usage,
            "service_tier": tier or "standard", "call": call,
            "litellm_cost_usd": repr(total), "litellm_cost_nanos": int(nanos),
        })
    used = sorted({case["model"] for case in cases})
    fixture = {
        "litellm_version": litellm._version.version if hasattr(litellm, "_version") else "unknown",
        "generated_by": "scripts/litellm-fixture/make_fixture.py",
        "entries": {model: prices[model] for model in used},
        "cases": cases,
    }
    (OUT / "cases.json").write_text(json.dumps(fixture, indent=2) + "\n")
    # The same entries alone, as a LiteLLM price file the test imports.
    (OUT / "entries.json").write_text(json.dumps(fixture["entries"], indent=2) + "\n")
    print(f"{len(cases)} cases, {len(used)} price entries, LiteLLM {fixture['litellm_version']}", file=sys.stderr)


if __name__ == "__main__":
    main()
