"""The page's shared texts in Chinese: tabs, buttons, labels, status lines, verdicts and messages.

Keyed by the English text; see `demo.i18n.zh_cn`."""

TEXTS = {
    "Sentiment": "情感分析",
    "Fill mask": "完形填空",
    "Next sentence": "下一句预测",
    "Generate": "文本生成",
    "Run": "运行",
    "Stop": "停止",
    "Settings": "设置",
    "Examples": "示例",
    "Share a link": "分享链接",
    "Make a link to this tab with these inputs": "用当前输入生成本页链接",
    "Link (it holds the inputs and settings, the seed included)": "链接（包含输入和设置，也包含随机种子）",
    "How it works": "原理",
    "Text": "文本",
    "Type a review, a tweet, a sentence…": "输入一条评论、一句话……",
    "Text with [MASK]": "含 [MASK] 的文本",
    "The capital of France is [MASK].": "中国的首都是北[MASK]。",
    "Candidates per mask (top k)": "每个空的候选数（top k）",
    "Sentence A": "句子 A",
    "Sentence B": "句子 B",
    "Prompt": "提示词",
    "Once upon a time,": "很久很久以前，",
    "Max new tokens": "最多生成的词元数",
    "Temperature (0 = greedy)": "温度（0 = 贪心）",
    "Top p": "Top p",
    "Top k (0 = off)": "Top k（0 = 关闭）",
    "Repetition penalty": "重复惩罚",
    "Seed": "随机种子",
    "Which words pushed the answer": "哪些词推动了答案",
    "Which words pushed the answer (A, then B)": "哪些词推动了答案（先 A 后 B）",
    "Token probabilities": "词元概率",
    "Perplexity": "困惑度",
    "Explain: which words mattered": "解释：哪些词起了作用",
    "Compare: trained classifier vs zero-shot LLM": "对比：训练过的分类器 vs 零样本大模型",
    "Compare: each blank on its own vs one after another": "对比：各空单独填 vs 依次填",
    "Compare: BERT's own head vs zero-shot LLM": "对比：BERT 自带的预测头 vs 零样本大模型",
    "Score the prompt: how expected is each token?": "给提示词打分：每个词元有多出人意料？",
    "Language": "语言",
    "Task": "任务",
    "Zero-training NLP showcase": "零训练 NLP 演示",
    "Is a text positive or negative? DistilBERT, fine-tuned on movie reviews (SST-2), returns both classes' "
    "probabilities.":
        "一段文字是正面还是负面？英文由在影评（SST-2）上微调过的 DistilBERT 判断，中文由在中文评论上微调过的二郎神 RoBERTa 判断，两类的概率都会给出。",
    "Is a text positive or negative? Gemma 3 270M, never trained for it, compares how likely it finds the words "
    "*positive* and *negative* after the text.":
        "一段文字是正面还是负面？从未为此训练过的 Gemma 3 270M 来判断：中文评论看它接在“以下是一条好评：”之后还是“以下是一条差评：”之后更可能出现；英文比较文字之后接 *positive* 和 "
        "*negative* 的可能性。",
    "Hide a word behind [MASK] and BERT proposes the words that fit, with probabilities.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字），BERT 给出合适的词和它们的概率。",
    "Hide a word behind [MASK]: Gemma 3 270M proposes words for the blank and ranks them by how likely the whole "
    "sentence becomes with each.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字）：Gemma 3 270M 为空白提出候选，并按填入后整句的可能性排序。",
    "Does sentence B follow sentence A? BERT's own pretraining head answers.": "句子 B 是否紧接在句子 A 之后？由 BERT 预训练时自带的预测头回答。",
    "Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B is after A than after "
    "unrelated sentences.":
        "句子 B 是否紧接在句子 A 之后？Gemma 3 270M 衡量 B 跟在 A 后面比跟在无关句子后面更可能多少。",
    "Give a prompt and GPT-2 continues it, streamed token by token.": "给出一段提示词，模型逐个词元地续写（英文用 GPT-2，中文用 Qwen2.5 0.5B）。",
    "Give a prompt and Gemma 3 270M continues it, streamed token by token.": "给出一段提示词，Gemma 3 270M 逐个词元地续写。",
    "Positive": "正面",
    "Negative": "负面",
    "Unsure": "不确定",
    "leaning toward {label}, {points} points apart": "偏向{label}，相差 {points} 个百分点",
    "B follows A": "B 接在 A 之后",
    "IsNext": "IsNext（是下一句）",
    "NotNext": "NotNext（不是下一句）",
    "B does not follow A": "B 不接在 A 之后",
    "Classic checkpoint": "经典模型",
    "Classic {model}": "经典模型 {model}",
    "Zero-shot {model}": "零样本 {model}",
    "{side}: not available ({why})": "{side}：不可用（{why}）",
    "{side}: {seconds} s": "{side}：{seconds} 秒",
    "Zero-shot LLM": "零样本大模型",
    "They agree.": "两者一致。",
    "They disagree.": "两者不一致。",
    "{count} more under 1%": "另有 {count} 个低于 1%",
    "Each blank's bars are BERT's probabilities over its whole vocabulary, each blank filled on its own: a model's "
    "confidence, not a measured accuracy.":
        "每个空的条形是 BERT 在整个词表上的概率，各空单独填：这是模型的置信度，不是测得的准确率。",
    "The bars compare the candidates found for each blank (they sum to 100% over them), not the whole vocabulary: "
    "a 270M model's relative confidence, not a measured accuracy.":
        "条形比较的是为每个空找到的候选（它们加起来是 100%），不是整个词表：这是一个 2.7 亿参数模型的相对置信度，不是测得的准确率。",
    "Each blank on its own": "各空单独填",
    "every other blank stays a blank": "其他空保持空白",
    "One after another": "依次填",
    "each blank sees the best words before it": "每个空都能看到前面各空的最佳答案",
    "Blank {m}": "第 {m} 空",
    "“{token}”: {p}": "“{token}”：{p}",
    "The likeliest at this step:": "这一步最可能的词元：",
    "Perplexity <b>{shown}</b>: on average the model was as unsure as if it picked each token among that many "
    "equally likely ones. Lower means a more expected text.":
        "困惑度 <b>{shown}</b>：平均来说，模型的不确定程度相当于在这么多个同样可能的词元中挑一个。越低表示文字越在意料之中。",
    "(limit reached: {count} new tokens; raise Max new tokens in Settings for more)":
        "（已达上限：生成了 {count} 个词元；想要更多，请在设置里调高“最多生成的词元数”）",
    "n/a (one token, nothing to predict it from)": "无（只有一个词元，没有前文可以预测它）",
    "probability: {p}": "概率：{p}",
    "BERT's confidence that B is the sentence that came next rather than a random one: not a measured accuracy. A "
    "sentence on the same topic often counts as a follow-up.":
        "BERT 认为 B 是真正的下一句、而不是随机一句的置信度：不是测得的准确率。同一话题的句子常被当作下一句。",
    "How much more likely a 270M model finds B after A than after unrelated sentences, turned into a confidence: "
    "not a measured accuracy. A sentence on the same topic, or A repeated, often counts as a follow-up.":
        "一个 2.7 亿参数的模型觉得 B 跟在 A 后面比跟在无关句子后面更可能多少，换算成的置信度：不是测得的准确率。"
        "同一话题的句子或重复 A，常被当作下一句。",
    "The classic checkpoint is BERT's next-sentence head, trained on this exact question while BERT was "
    "pretrained; the zero-shot LLM was only ever trained to predict the next token.":
        "经典模型是 BERT 的下一句预测头，BERT 预训练时就在练这个问题；零样本大模型只练过预测下一个词元。",
    "the score: A's words by how it changes without each, B's by how much more expected each became after A "
    "than after unrelated sentences":
        "得分（A 的词看去掉它后得分变了多少，B 的词看跟在 A 后面比跟在无关句子后面各自变得多可预期）",
    "IsNext over NotNext": "IsNext 相对 NotNext 的得分",
    "The bars are the classifier's confidence, not a measured accuracy: it was fine-tuned on movie reviews and can "
    "be wrong, above all on other kinds of text.":
        "条形表示分类器的置信度，不是测得的准确率：它在评论上微调过，也会出错，尤其是在其他类型的文字上。",
    "The bars compare how strongly a 270M model, never trained for this task, prefers each word: a relative "
    "confidence, not a measured accuracy. It makes mistakes.":
        "条形比较一个从未为此任务训练过的 2.7 亿参数模型对两种说法的偏好强弱：这是相对置信度，不是测得的准确率。它会出错。",
    "The classic checkpoint is a classifier trained on labelled movie reviews; the zero-shot LLM was never trained "
    "for the task and is asked through a prompt. Where they disagree, one of them is wrong.":
        "经典模型是在带标注的评论上训练过的分类器；零样本大模型从未为此训练过，只是通过提示词来问。两者不一致时，必有一方错了。",
    "\n# Zero-training NLP showcase\nPretrained language models, used **as they are**: no extra training, no "
    "fine-tuning on your data.\nPick a task, try an example or type your own text, in English or Chinese. Each tab "
    "says which model\nanswers, on which hardware, and how long it took; open **How it works** to see why a "
    "pretrained model\ncan do this.\n":
        "\n# 零训练 NLP 演示 · Zero-training NLP showcase\n预训练语言模型，**原样**使用：不做额外训练，也不在你的数据上微调。选一个任务，试试示例或输入你自己的中文或英文。\n"
        "每个标签页都会说明由哪个模型回答、在什么硬件上、用了多久；打开**原理**看看为什么预训练模型能做到。\n",
    "Not loaded on this page: it runs the embedded profile. Start the app where the hub is reachable, or with "
    "{flag} to a local checkpoint.":
        "本页没有加载：它运行的是嵌入式配置。请在能访问 Hugging Face Hub 的地方启动应用，或用 {flag} 指向本地模型。",
    "Each word's exact share of {target}.": "分数是{target}，每个词的份额是精确算出的。",
    "Integrated gradients (Captum) on {target}.": "方法：对{target}做积分梯度（Captum）。",
    "Blue words pushed toward {up}, red words toward {down}; the stronger the colour, the larger the push (scaled to "
    "the strongest, +1 or -1; tap or hover over a word for its score). {method} A word coloured against the answer "
    "does not contradict it: without that word the text would lean even further toward the answer. Only your words "
    "are scored: prompts and special tokens are held fixed. A colour says how this model's score moved, not what a "
    "reader would call the word's meaning: a small word such as \"the\" may carry weight for a small model, and an "
    "uncoloured word moved it by under 5% of the strongest.":
        "蓝色的词把答案推向{up}，红色的词推向{down}；颜色越深，推力越大（按最强的缩放到 +1 或 -1；点按或悬停可看分数）。{method}"
        "颜色与答案相反的词并不和答案矛盾：去掉它，文本会更偏向这个答案。只给你的词打分：提示词和特殊词元保持不变。"
        "颜色说明的是这个模型的分数怎样变化，而不是读者眼中这个词的意思：像“的”“the”这样的小词对小模型也可能很重要；"
        "没有颜色的词让分数变化不到最强者的 5%。",
    "Each word's score is {target} with the word, minus without it.": "每个词的分数是：有这个词时的{target}减去去掉它后的值。",
    "{score} toward {label}": "{score}，推向{label}",
    "Generated text is shaded by how expected each token was: {shades}. Hover over or tap a token for its "
    "probability and the five likeliest alternatives.":
        "生成的文字按每个词元的可预期程度着色：{shades}。把鼠标移到词元上或点一下，可看到它的概率和最可能的五个备选。",
    "Each token is shaded by its probability given the text before it: {shades}. Hover over or tap a token for its "
    "probability.":
        "每个词元按它在前文之后出现的概率着色：{shades}。把鼠标移到词元上或点一下，可看到它的概率。",
    "\n\n<details><summary>Details</summary>\n\n{details}\n\n</details>":
        "\n\n<details><summary>详情</summary>\n\n{details}\n\n</details>",
    " on {device}": "在 {device} 上",
    "Answers come from **{model}**{where}.": "答案将由 **{model}** {where}给出。",
    "English text is answered by **{english}**, Chinese text by **{chinese}**{where}.":
        "英文文本将由 **{english}** 回答，中文文本将由 **{chinese}** {where}回答。",
    "{english}  \nChinese: {chinese}": "{english}  \n中文：{chinese}",
    " (including {seconds} s of one-time model loading)": "（含 {seconds} 秒一次性模型加载）",
    "; first text after {seconds} s": "；{seconds} 秒后出现第一段文字",
    " Chinese text: {reason}.": " 中文文本：{reason}。",
    "Answered by **{model}**{where} in {seconds} s{load}{first}.{why}":
        "由 **{model}** {where}回答，用时 {seconds} 秒{load}{first}。{why}",
    " · routed to the {language} model: {reason}": " · 已交给{language}模型：{reason}",
    "Computed once for this and an identical request made recently.": "与最近一次相同的请求共用一次计算。",
    "Chinese": "中文",
    "English": "英文",
    "{han} Chinese characters, {words} Latin-script words": "{han} 个汉字，{words} 个拉丁字母单词",
    "{han} Chinese character, {words} Latin-script word": "{han} 个汉字，{words} 个拉丁字母单词",
    "no Chinese characters": "没有汉字",
    "Generating…": "生成中……",
    "**Stopped** after {size}{seconds} s; the text so far is kept.": "**已停止**：{size}{seconds} 秒，已生成的文字保留。",
    "{size} and ": "{size}，",
    "**Model ready.**": "**模型已就绪。**",
    "Not run": "未运行",
    "embedded profile chosen": "选择了嵌入式配置",
    "not available here": "这里不可用",
    "Loading the model for {task} (once)…": "正在加载“{task}”的模型（只需一次）…",
    "Expected: about {seconds} s (a request of {size} characters took {took} s here {when}). {quicker}":
        "预计约 {seconds} 秒（{when}，这台机器上一个 {size} 个字符的请求用了 {took} 秒）。{quicker}",
    "{count} min ago": "{count} 分钟前",
    "just now": "刚才",
    "Shorter texts answer sooner.": "文字越短，回答越快。",
    "Fewer masks or a lower top_k answer sooner.": "[MASK] 越少、top_k 越小，回答越快。",
    "**Loading the model** (once, {fraction}): {message}": "**正在加载模型**（只需一次，{fraction}）：{message}",
    "**The model could not be loaded:** {message}": "**模型无法加载：**{message}",
    "**Waiting to load** (models load one at a time, in tab order).": "**等待加载**（模型按标签页顺序逐个加载）。",
    "The model loads on this tab's first request.": "模型会在本页第一次请求时加载。",
    "Not answered": "未回答",
    "Warning": "提示",
    "{view} is not offered by the model that answers this text.": "回答这段文本的模型不提供“{view}”。",
    "Error": "错误",
    "Info": "信息",
    "Success": "完成",
    "New visitor": "下一位访客",
    "hub profile chosen": "选择了 hub 配置",
    "{name} is empty: please type some text.": "{name}为空：请输入文字。",
    "{name} is missing: please type some text.": "缺少{name}：请输入文字。",
    "No mask found. Write [MASK] where the missing word goes, e.g. 'The capital of France is [MASK].'":
        "没有找到 [MASK]。请在缺字的位置写 [MASK]，例如“中国的首都是北[MASK]。”（一个 [MASK] 是一个字）。",
    "The mask is written with full-width brackets ({mask}). Write it with ASCII brackets: [MASK].":
        "遮罩用了全角括号（{mask}）。请用半角括号写成 [MASK]。",
    "The text has {count} masks; at most {most} can be filled at once.": "文本中有 {count} 个 [MASK]，一次最多填 {most} 个。",
    "Serving the classic pretrained checkpoints (Chinese text goes to Chinese ones).": "经典预训练模型在服务本页（中文文本交给中文模型）。",
    "**Embedded profile**{why}: every tab runs on Gemma 3 270M, installed with pip, in English and Chinese. No "
    "network needed, no training, zero-shot.":
        "**嵌入式配置**{why}：每个标签页都由用 pip 安装的 Gemma 3 270M 回答，中文和英文都可以。不需要网络，不做训练，零样本。",
    "**Embedded models** serve {titles}{why}; the other tabs use the classic checkpoints.":
        "**嵌入式模型**服务{titles}{why}；其他标签页用经典模型。",
    " ({reasons})": "（{reasons}）",
    ", ": "、",
    "; ": "；",
    "hub not reachable": "无法访问 Hugging Face Hub",
    "embedded: hub not reachable": "嵌入式：无法访问 Hugging Face Hub",
    "embedded: HF_HUB_OFFLINE is set": "嵌入式：设置了 HF_HUB_OFFLINE",
    "embedded: no hub checkpoint is pinned for this task": "嵌入式：这个任务没有固定的 Hub 模型",
    "calibrated few-shot label scoring": "校准后的少样本标签词打分",
    "fill-in-the-blank prompt + sentence-likelihood rerank": "填空提示 + 按整句可能性重排",
    "calibrated likelihood gain over unrelated sentences": "相对无关句子的似然增益（已校准）",
    "calibrated label likelihood": "校准后的标签似然",
    "Chinese prompt": "中文提示",
    "HF_HUB_OFFLINE is set": "设置了 HF_HUB_OFFLINE",
    "no hub checkpoint is pinned for this task": "这个任务没有固定的 Hub 模型",
    "POSITIVE over NEGATIVE": "正面相对负面的得分",
    "The label '{label}' written into the template reads as {count} tokens; the model reads at most {most} per label. "
    "Please use a shorter label or template.": "标签“{label}”写进模板后有 {count} 个词元；模型每个标签最多读 {most} 个。请缩短标签或模板。",
    "This request needed more than {seconds} s of model time and was stopped so that others can be served. Please "
    "ask for less: {advice}.": "这个请求需要超过 {seconds} 秒的模型时间，为了服务其他人已被停止。请减少要求：{advice}。",
    "a shorter text": "更短的文本",
    "A quote (\") opened in the row that starts on line {line} is never closed. Close it, or write a quote inside a "
    "cell as two (\"\").": "从第 {line} 行开始的那一行里有一个引号（\"）没有闭合。请闭合它；单元格里的引号要写成两个（\"\"）。",
}
