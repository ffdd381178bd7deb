"""Chinese: requests routed by script to the Chinese models, per-language plans and flags, Chinese messages."""

from __future__ import annotations

import httpx
import pytest

from demo.i18n import UI_LANGUAGE, english_labels, localize, say, ui_text
from demo.language import route
from demo.page.status import routing_reason
from demo.models import ModelRef
from demo.profiles import HUB_PRESETS, HUB_PRESETS_ZH, env_overrides, plan
from demo.runtime import Runtime
from demo.settings import parse_settings
from demo.registry import get_task


@pytest.mark.parametrize("texts, language", [
    (("这家酒店的服务很好。",), "zh"),
    (("這家飯店的服務很好。",), "zh"),  # traditional characters count too
    (("我用iPhone拍的",), "zh"),  # a Chinese character weighs as much as a Latin-script word
    (("The 北京 office opens at nine.",), "en"),
    (("A good film.",), "en"),
    (("123 !!! 。。。",), "en"),  # no letters at all: the default
    (("",), "en"),
    (("I was hungry.", "所以我吃了饭。"), "zh"),  # a pair is routed as one request
])
def test_requests_are_routed_by_the_script_of_their_letters(texts, language):
    routing = route(*texts)
    assert routing.language == language
    if language == "zh":
        assert "Chinese character" in routing_reason(routing)


def test_each_language_has_its_own_plan_and_a_plain_override_serves_both():
    chinese = plan("hub", hub_problem=lambda: pytest.fail("the hub profile never probes"), language="zh")
    assert {task: a.ref for task, a in chinese.items()} == HUB_PRESETS_ZH
    assert chinese["fill_mask"].ref == chinese["next_sentence"].ref  # one checkpoint, both heads
    assert {task: a.ref for task, a in plan("hub").items()} == HUB_PRESETS
    assert all(a.embedded for a in plan("embedded", language="zh").values())
    folder, other = ModelRef("/models/one"), ModelRef("/models/two")
    overrides = {"sentiment": folder, "generate.zh": other}
    assert plan("hub", overrides, language="zh")["sentiment"].ref == folder
    assert plan("hub", overrides, language="zh")["generate"].ref == other
    assert plan("hub", overrides, language="zh")["generate"].reason == "chosen with --model generate.zh"
    assert plan("hub", overrides)["generate"].ref == HUB_PRESETS["generate"]


def test_auto_without_the_hub_serves_chinese_with_gemma():
    chinese = plan("auto", hub_problem=lambda: "hub not reachable", language="zh")
    assert all(a.embedded and "hub not reachable" in a.reason for a in chinese.values())


def test_the_chinese_model_flag_and_environment_variable(tmp_path):
    settings = parse_settings(["--model", f"sentiment.zh={tmp_path}", "--model", "generate.zh=http://127.0.0.1:9/v1"],
                              environ={})
    assert settings.models["sentiment.zh"] == ModelRef(str(tmp_path))
    assert env_overrides({"DEMO_MODEL_FILL_MASK_ZH": "some/bert@abc"}) == {"fill_mask.zh": ModelRef("some/bert", "abc")}


@pytest.mark.parametrize("flag, message", [
    ("sentiment.fr=x/y", "unknown task 'sentiment.fr'"),
    ("sentiment.zh=http://127.0.0.1:9/v1", "only generate can run on an engine URL"),
])
def test_bad_chinese_model_flags_are_refused(flag, message, capsys):
    with pytest.raises(SystemExit):
        parse_settings(["--model", flag], environ={})
    assert message in capsys.readouterr().err


def test_the_runtime_keeps_one_engine_where_both_languages_name_one_checkpoint(tiny_models):
    shared = Runtime(plan("hub", tiny_models))  # no Chinese plan given: the same models for every language
    assert shared.engine("sentiment", language="zh") is shared.engine("sentiment")
    assert shared.routes() == [(task, "en") for task in shared.plan]


def test_chinese_text_is_answered_by_the_chinese_checkpoint_and_the_status_says_why(client):
    label, status = client.predict("这家酒店的服务很好。", api_name="/sentiment")
    assert "**classifier-chinese**" in status and "Chinese text: 9 Chinese characters, 0 Latin-script words" in status
    assert label["label"] in {"POSITIVE", "NEGATIVE"}  # Erlangshen's "Positive"/"Negative", named as in English
    label, status = client.predict("A good film.", api_name="/sentiment")
    assert "**distilbert**" in status and "Chinese" not in status.split("\n")[0]


def test_chinese_fill_mask_candidates_are_single_characters(client):
    table = client.predict("中国的首都是北[MASK][MASK]。", 5, api_name="/fill_mask")[2]
    rows = table["data"]
    assert {row[0] for row in rows} == {1, 2}
    assert all(len(str(row[2])) == 1 for row in rows), rows


def test_chinese_generation_runs_on_the_chinese_model(client):
    text, *_, status = client.predict("从前有一座山，", 8, 0.0, api_name="/generate")
    assert text.startswith("从前有一座山，") and "**qwen-chinese**" in status


def refusal(task: str, *values) -> str:
    with pytest.raises(Exception) as refused:
        get_task(task).check(*values)
    return refused.value.args[0]


def test_a_full_width_mask_is_refused_with_a_clear_message():
    message = refusal("fill_mask", "中国的首都是北［MASK］。")
    assert "full-width brackets (［MASK］)" in message
    assert localize(message, "zh-CN") == "遮罩用了全角括号（［MASK］）。请用半角括号写成 [MASK]。"


def test_messages_and_status_lines_are_said_in_the_page_language_from_their_fields():
    from demo.language import route
    from demo.page import status

    assert localize(refusal("sentiment", " "), "zh-CN") == "文本为空：请输入文字。"
    assert localize(refusal("next_sentence", "A", ""), "en") == "Sentence B is empty: please type some text."
    runtime = Runtime(plan("embedded"))
    routing = route("我用iPhone拍的照片很好看")
    line = status.answered(runtime.card("sentiment", "zh"), routing, 0.0, 0.0)
    assert line.startswith("Answered by **Gemma 3 270M** on CPU in ")
    said = localize(line, "zh-CN")
    assert said.startswith("由 **Gemma 3 270M** 在 CPU 上回答，用时 ") and f"中文文本：{routing.han} 个汉字，1 个拉丁字母单词。" in said
    assert "<summary>详情</summary>" in said
    assert localize("Something the catalog does not know.", "zh-CN") == "Something the catalog does not know."


def test_answer_words_follow_the_page_language():
    assert say("Positive") == "Positive"
    token = UI_LANGUAGE.set("zh-CN")
    try:
        assert say("Positive") == "正面"
        assert say("{count} more under 1%", count=3) == "另有 3 个低于 1%"
    finally:
        UI_LANGUAGE.reset(token)


def test_the_api_description_keeps_english_labels(base_url):
    info = httpx.get(f"{base_url}/gradio_api/info", timeout=10).json()
    labels = [p["label"] for endpoint in info["named_endpoints"].values() for p in endpoint["parameters"]]
    assert "Text" in labels and all(isinstance(label, str) for label in labels)
    assert english_labels({"label": ui_text("Sentence A")}) == {"label": "Sentence A"}


def test_localize_passes_gradio_skip_through_unchanged():
    """A streamed answer's updates skip the status between tokens (`gr.skip()`): localizing the
    update for a Chinese page must hand the skip on, not a translated copy of it."""
    import gradio as gr

    skip = gr.skip()
    assert localize(skip, "zh-CN") is skip


def test_notes_on_a_shortened_input_are_said_in_the_page_language():
    from demo.tasks.base import cut_note

    note = cut_note("The two sentences together", 1_200, 512)
    assert note == ("The two sentences together was too long for the model (512 tokens at most): 1,200 tokens at the end "
                    "were left out.")
    assert localize(note, "zh-CN") == "两个句子合起来超出了模型的长度上限（最多 512 个词元）：末尾的 1,200 个词元被略去。"
    assert localize(cut_note("The prompt", 1, 64, where="start"), "zh-CN") == \
        "提示超出了模型的长度上限（最多 64 个词元）：开头的 1 个词元被略去。"
    assert localize("Note", "zh-CN") == "提示"  # the toast's title


def test_every_text_a_task_or_its_engines_declare_has_its_chinese_in_the_catalog():
    """A module writes English; its Chinese is in `demo/i18n/zh_cn/`, keyed by that English. A text
    changed in its module without its key would leave English on the Chinese page."""
    from demo.i18n import CATALOGS
    from demo.language import LANGUAGES
    from demo.registry import TASKS

    chinese = CATALOGS.texts["zh-CN"]
    missing = []
    for task in TASKS.values():
        texts = [task.title, task.summary, task.embedded_summary, task.how_it_works, task.embedded_how_it_works,
                 task.compare_meaning, task.heatmap_label, task.quicker]
        texts += [param.label for param in task.params] + [param.placeholder for param in task.params]
        engines = ([task.classic] if task.classic else []) + (
            [task.zero_shot.engine_for(language) for language in LANGUAGES] if task.zero_shot else [])
        texts += [text for engine in engines for text in (engine.meaning, engine.attribution_target)]
        missing += [(task.key, text[:60]) for text in texts if text and text not in chinese]
    assert not missing
