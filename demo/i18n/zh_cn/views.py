"""The views' texts in Chinese: attention, what flips it, the four steps, two ways.

Keyed by the English text each module writes; see `demo.i18n.zh_cn`."""

TEXTS = {
    # demo.views.attention
    "Attention: which words each head looks at": "注意力：每个头在看哪些词",
    "Attention weights": "注意力权重",
    "Layer {l}, head {h}": "第 {l} 层，第 {h} 个头",
    "layer {l}, head {h}": "第 {l} 层，第 {h} 个头",
    "attention of layer {l}, head {h}": "第 {l} 层第 {h} 个头的注意力",
    "All heads (rows: layers; pick one)": "所有注意力头（每行一层；点选一个）",
    "Each map is one head's softmax(QKᵀ / √d_k): each row is how much its token (at the left) attends to each token "
    "(at the top), and every row sums to 1. Here d_k = {d_k}, {heads} heads in each of {layers} layers ({model}).":
        "每张图是一个头的 softmax(QKᵀ / √d_k)：每一行是左边那个词元对上方每个词元的关注程度，每行之和为 1。"
        "这里 d_k = {d_k}，{layers} 层中每层 {heads} 个头（{model}）。",
    "A left-to-right model: a token attends only to the tokens before it (the upper right is empty), and there is no "
    "[CLS]; the first token is the start-of-text token.": "这是从左到右的模型：每个词元只关注它前面的词元（右上方是空的），也没有 [CLS]；第一个词元是文本开始标记。",
    "Grouped-query attention: the {heads} query heads of a layer share one key/value head.":
        "分组查询注意力：每层的 {heads} 个查询头共用一个键/值头。",
    "Grouped-query attention: the {heads} query heads of a layer share {kv} key/value heads.":
        "分组查询注意力：每层的 {heads} 个查询头共用 {kv} 个键/值头。",
    "average of all heads": "所有头的平均",
    "Average of all {count} heads": "全部 {count} 个头的平均",
    "the average attention of all heads": "所有头的平均注意力",
    "Shown first: layer {l}, head {h}, the head that attends most to the other words (most heads look mainly at the "
    "first token or at the word itself).": "先显示第 {l} 层第 {h} 个头：它最关注其他词（大多数头主要看第一个词元或词本身）。",
    "{count} of the {layers} layers attend within a sliding window of {window} tokens (longer than any input here).":
        "{layers} 层中有 {count} 层只在 {window} 个词元的滑动窗口内关注（比这里的任何输入都长）。",

    # demo.views.counterfactual
    "What flips it: the smallest edit that changes the answer": "什么会改变答案：最小的改动",
    "Smallest edits found that change the answer:": "找到的能改变答案的最小改动：",
    "No edit tried changes the answer ({label}, {p}): it holds.": "试过的改动都改变不了答案（{label}，{p}）：它站得住。",
    ("Each edit was checked by asking the model again. Words are left out one at a time, then "
     "the words the answer leaned on most are replaced by words the model itself proposes, then "
     "two such edits are made together; an edit that changes the answer shows which words the "
     "answer rests on."):
        "每个改动都重新问过模型。先逐个删去一个词，再把答案最依赖的词换成模型自己提出的词，然后两处改动一起做；"
        "能改变答案的改动说明答案依赖哪些词。",
    "asked the model {checks} times in {seconds} s{cut}{how}": "{seconds} 秒内问了模型 {checks} 次{cut}{how}",
    "; words left out only: this model proposes no replacements": "；只删词：这个模型不提出替换词",
    " (its limit)": "（达到上限）",
    "No edit found that changes the answer ({label}, {p}), but only {tried} of the text's {words} one-word edits "
    "could be asked within {seconds} s: the models are busy. Please try again in a moment.":
        "没有找到能改变答案（{label}，{p}）的改动，但 {seconds} 秒内只问到了这段文字 {words} 个删词改动中的 {tried} 个："
        "模型正忙。请稍后再试。",
    "Best edit": "最佳改动",
    "Edits that change the answer": "改变答案的改动",

    # demo.views.steps
    "The four steps, and the code": "推理四步，以及代码",
    "The four steps": "推理四步",
    "Code for this answer": "复现这个答案的代码",
    "Input processing": "输入处理",
    "Model inference": "模型推理",
    "Output post-processing": "输出后处理",
    "Presentation": "结果展示",
    "{count} tokens and their ids:": "{count} 个词元及其 id：",
    "Your text's {count} tokens and their ids, inside a prompt of {total}:": "你的文本的 {count} 个词元及其 id（整个提示共 {total} 个）：",
    "tensor shapes: ": "张量形状：",
    "… {count} more …": "……另外 {count} 个……",
    "every token": "全部词元",
    "the whole prompt: {count} tokens, worked examples first": "完整提示：{count} 个词元，示例在前",
    "logits": "logits（未归一化的分数）",
    "log P(label word), over the two words": "标签词的对数概率（在两个词之间归一化）",
    "minus the content-free prior (log)": "减去无内容输入的先验（对数）",
    "the page says: ": "页面显示：",
    "The code below reproduces these probabilities with transformers alone.": "下面的代码只用 transformers 就能复现这些概率。",

    # demo.views.two_ways
    "Two ways: each blank on its own vs one after another": "两种填法：各空单独填 vs 依次填",
    ("With one blank the two ways are the same fill (there is no other blank to see): add a "
     "second [MASK] to see them differ."): "只有一个空时两种填法是同一种（没有别的空可看）：再加一个 [MASK] 就能看到它们的区别。",

    # demo.views.lens, demo.engines.lens
    "Layer by layer: the answer forming": "逐层观察：答案如何形成",
    "Layer by layer": "逐层",
    "layer": "层",
    "layer 1": "第 1 层",
    "layer {n}": "第 {n} 层",
    "layer {l}: {p}": "第 {l} 层：{p}",
    "The answer's probability after each layer, from layer 1 (left) to {n} (right)":
        "每一层之后答案的概率，从第 1 层（左）到第 {n} 层（右）",
    "Each row: {read}, as that layer would answer it.": "每一行：{read}，即模型在这一层停下时会给出的答案。",
    "the next token after the prompt": "提示之后的下一个词元",
    "the first [MASK], as the masked-LM head fills it (any other [MASK] stays a blank)":
        "第一个 [MASK]，由掩码语言模型头来填（其他 [MASK] 仍留空）",
    ("the first blank's first token as the fill-in-the-blank prompt proposes it (the tab's answer then ranks the "
     "proposed words by how likely the whole sentence becomes with each)"):
        "填空提示为第一个空提出的第一个词元（本页的答案随后按填入各词后整句的可能性为候选词排序）",
    "The model answers “{token}”: it leads from layer {settled} of {n} on.":
        "模型的答案是“{token}”：从第 {settled} 层（共 {n} 层）起一直领先。",
    "The model answers “{token}”: it first leads after layer {first}, and from layer {settled} of {n} on.":
        "模型的答案是“{token}”：它在第 {first} 层之后第一次领先，从第 {settled} 层（共 {n} 层）起一直领先。",
    "(the model’s own answer)": "（模型自己的答案）",
    "likeliest tokens if the model stopped here": "模型在这里停下时最可能的词元",
    ("After layer l the model holds a vector h_l at the position it reads. Its answer is softmax(W_U · norm(h_l)) for "
     "the last layer: the final norm, then the output layer W_U (an encoder: its masked-LM head). The same reading of "
     "an earlier layer's vector is the logit lens: what the model would answer if it stopped there. Only the last "
     "layer is trained to be read this way, so early rows show the answer forming, not what those layers mean; the "
     "last row is the model's own output."):
        "第 l 层之后，模型在它读取的位置上有一个向量 h_l。对最后一层，答案是 softmax(W_U · norm(h_l))：先做最后的归一化，"
        "再经过输出层 W_U（编码器则是它的掩码语言模型头）。把同样的读法用在更早一层的向量上，就是“logit 透镜”："
        "模型如果在那一层停下会回答什么。只有最后一层是为这样读取而训练的，所以前面几行显示的是答案的形成过程，"
        "而不是那些层的“含义”；最后一行就是模型自己的输出。",
    "The layer view reads {what} of up to {limit} tokens; this one is {count} tokens. Please shorten it.":
        "逐层视图最多读取 {limit} 个词元的{what}；这一段有 {count} 个词元。请缩短。",
    "prompts": "提示",
    "texts": "文本",
    "texts in their prompt": "文本（连同其提示）",
    "The layer view cannot find the final norm of {model}.": "逐层视图找不到 {model} 的最后归一化层。",
    "The layer view reads BERT- and RoBERTa-style masked-LM heads; {model} has another.":
        "逐层视图只读取 BERT 和 RoBERTa 式的掩码语言模型头；{model} 的不同。",
    "The first mask comes after the first {limit} tokens, which is all the model can read. Move the mask earlier or "
    "shorten the text.": "第一个掩码出现在前 {limit} 个词元之后，而模型最多只能读这么多。请把掩码前移或缩短文本。",

    # demo.views.demonstrations
    "Which worked example moved it": "哪个示例影响了答案",
    "Worked examples": "示例",
    "With all {count} worked examples the answer is {label}, {p}. Each row leaves one out and asks again:":
        "用全部 {count} 个示例时，答案是{label}，{p}。每一行去掉其中一个示例再问一次：",
    "flips the answer": "答案反转",
    "worked example (its label)": "示例（及其标签）",
    "change in points without it": "去掉它后的变化（百分点）",
    "without it: {p}": "去掉它：{p}",
    ("A row below zero: without that example the model is less sure of {label}, so the example pushed toward it. "
     "Above zero: the example held the answer back. Confidence here is the engine's calibrated probability of "
     "{label}; points are percentage points."):
        "低于零的一行：去掉那个示例后，模型对“{label}”没那么确定了，说明这个示例把答案推向了它。高于零：这个示例拉住了答案。"
        "这里的置信度是引擎校准后“{label}”的概率；百分点即概率的百分点。",
    ("Each worked example is left out in turn and the answer computed again exactly as the engine computes it: the "
     "label words read after your text, each pair divided by its value after content-free inputs (\"N/A\", an empty "
     "text, \"[MASK]\") under the same shorter prompt, the pairs combined. change = P(answer | prompt without the "
     "example) − P(answer | every example). The model's weights never change: this shows how the examples in this "
     "prompt steer this answer, not what the model learned in training."):
        "依次去掉每个示例，再完全按引擎的算法重新计算答案：读取你的文本之后的标签词，每一对都除以同一个较短提示下无内容输入"
        "（“N/A”、空文本、“[MASK]”）之后的值，再把各对合起来。变化 = P(答案 | 去掉该示例的提示) − P(答案 | 全部示例)。"
        "模型的权重从不改变：这里显示的是这个提示里的示例如何引导这个答案，而不是模型在训练中学到了什么。",
}
