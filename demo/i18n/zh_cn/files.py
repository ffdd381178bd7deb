"""Files in Chinese: the batch and scorecard sections, their tables and CSV messages, the HTML report, share links, jobs.

Keyed by the English text each module writes; see `demo.i18n.zh_cn`."""

TEXTS = {
    # demo.batch
    "The header must name the columns {required} (and optionally {optional}), each once; the file has '{header}'.":
        "表头必须写出列 {required}（可选 {optional}），每列一次；这个文件的是“{header}”。",
    "nothing else": "无其他列",

    # demo.csv_files
    "The file is {size} bytes; the limit is {most} (2 MB).": "文件有 {size} 字节，上限是 {most}（2 MB）。",
    "The file is empty. Its first line must be the header: {header}": "文件是空的。第一行必须是表头：{header}",
    "The file has NUL bytes: it looks like UTF-16 (or another two-byte encoding). Save it as UTF-8 CSV.":
        "文件里有 NUL 字节：它看起来是 UTF-16（或别的双字节编码）。请另存为 UTF-8 CSV。",
    "The file is not UTF-8 text (byte {byte} cannot be read). Save it as UTF-8 CSV.":
        "文件不是 UTF-8 文本（第 {byte} 个字节无法读取）。请另存为 UTF-8 CSV。",
    "The file is not valid CSV: {reason}.": "文件不是有效的 CSV：{reason}。",
    "The file has more than {most} rows; the limit is {most}.": "文件超过 {most} 行；上限是 {most} 行。",
    "Row {line} has {fields}; it needs {needed} ({header}).": "第 {line} 行有 {fields}，需要 {needed} 个（{header}）。",
    "{count} field": "{count} 个字段",
    "{count} fields": "{count} 个字段",
    "The file is not valid CSV near line {line}: {reason}.": "文件在第 {line} 行附近不是有效的 CSV：{reason}。",
    "The file has a header but no rows.": "文件只有表头，没有数据行。",

    # demo.scorecard
    "The header must be '{columns}' for {task}; the file has '{header}'.":
        "{task}的表头必须是“{columns}”；这个文件的是“{header}”。",
    "Row {line}: the label is empty.": "第 {line} 行：标签为空。",
    "Row {line}: the label '{label}' is not one of {allowed} (or 1 / 0).":
        "第 {line} 行：标签“{label}”不是 {allowed} 之一（也可以用 1 / 0）。",
    "Row {line}: {name} is empty.": "第 {line} 行：{name} 为空。",
    "Row {line}: {name} is {size} characters; the limit is {most}.": "第 {line} 行：{name} 有 {size} 个字符，上限是 {most}。",
    "The file has {count} distinct labels; at most {most} can be scored. The ones past the {most}th: {past}.":
        "文件里有 {count} 个不同的标签，最多只能评 {most} 个。第 {most} 个之后的是：{past}。",
    "The file has only one label ({label}); a labelled set needs at least two.": "文件里只有一个标签（{label}）；带标注的数据集至少需要两个。",
    "Neither the classic checkpoint nor the zero-shot model could be loaded.": "经典模型和零样本模型都无法加载。",

    # demo.report
    "Scorecard: {task}": "评分卡：{task}",
    "{set} · {done} of {total} items{stopped} · {labels}": "{set} · {total} 项中的 {done} 项{stopped} · {labels}",
    " (stopped part-way)": "（中途停止）",
    "Made {when} on {machine}.": "生成于 {when}，机器：{machine}。",
    "Who answered": "谁来回答",
    "side": "一方",
    "model, revision and method": "模型、版本和方法",
    "Accuracy": "准确率",
    "items": "条目数",
    "accuracy": "准确率",
    "95% interval": "95% 区间",
    "median latency": "延迟中位数",
    "p95 latency": "p95 延迟",
    "items per second": "每秒条目",
    ("The interval narrows as items are added: with few items, two sides whose intervals "
     "overlap may not really differ."): "条目越多，区间越窄：条目少时，区间重叠的两方未必真有差别。",
    "Per label": "每个标签",
    "true \\ answered": "真实 \\ 回答",
    "right": "正确率",
    "Is the confidence honest?": "置信度可信吗？",
    ("Each bar: the items answered with that confidence, and how many of them were right. On "
     "the dashed line the confidence is honest; a red gap above a bar is over-confidence. "
     "Expected calibration error: the gaps, weighted by their items."): "每根柱子：以该置信度回答的条目，以及其中答对的比例。落在虚线上说明置信度可信；柱子上方的红色空隙表示过于自信。期望校准误差：各空隙按条目数加权的平均。",
    "Expected calibration error: {ece} points": "期望校准误差：{ece} 个百分点",
    "confidence": "置信度",
    "Where the sides differ": "两方不一致的地方",
    "They agree on {share} of the items.": "两方在 {share} 的条目上一致。",
    "row": "行",
    "input": "输入",
    "label": "标签",
    "answered": "回答",
    "Items each side got wrong": "每一方答错的条目",
    "None: every item was answered right.": "没有：每一条都答对了。",
    "Reproduce one answer": "复现一个回答",
    "The classic checkpoint on the first item, with transformers alone:": "经典模型回答第一个条目，只用 transformers：",
    "… and {count} more in the scored CSV.": "……另有 {count} 行，见评分后的 CSV。",

    # demo.page.batch_section
    "Choose a task: {tasks}.": "请选择一个任务：{tasks}。",
    "Read {rows}; answering…": "已读取 {rows}，正在回答…",
    "Answered {done} of {rows}…": "已回答 {done} / {rows}…",
    "; {count} refused (see the error column)": "；{count} 行被拒绝（见 error 列）",
    "Stopped after: {answered} of {rows} answered{refused}, in {seconds} s.":
        "已停止：{rows}中回答了 {answered} 行{refused}，用时 {seconds} 秒。",
    "Done: {answered} of {rows} answered{refused}, in {seconds} s.":
        "完成：{rows}中回答了 {answered} 行{refused}，用时 {seconds} 秒。",
    "Batch: a CSV of inputs in, the answers out (every task)": "批量：输入一个 CSV，输出答案（所有任务）",
    "Your CSV": "你的 CSV",
    "Answers (first 50 rows)": "答案（前 50 行）",
    "All answers, as CSV": "全部答案（CSV）",
    "Report to send (rows with a label column: HTML, opens offline)": "可发送的报告（有 label 列时：HTML，可离线打开）",
    "your batch CSV": "你的批量 CSV",
    "One row per request. The header names the task's inputs ({columns}). Up to {rows} rows and 2 MB; a row the "
    "model cannot take gets its reason in an `error` column. With a `label` column (the expected answer, for "
    "sentiment, next sentence and classify) the run also comes with a report.":
        "每行一个请求。表头写任务的输入名（{columns}）。最多 {rows} 行、2 MB；模型不能处理的行会在 `error` 列里写明原因。"
        "有 `label` 列（预期答案，适用于情感、下一句和分类）时，还会附上一份报告。",

    # demo.page.jobs
    "{count} item": "{count} 项",
    "{count} items": "{count} 项",
    "{count} row": "{count} 行",
    "{count} rows": "{count} 行",
    "Choose a CSV file first.": "请先选择一个 CSV 文件。",
    "That upload was read by an earlier run and deleted (uploads are never kept). Please choose the file again.":
        "这个上传的文件已被上一次运行读取并删除（上传的文件从不保留）。请重新选择文件。",
    "Waiting: this server runs at most {most} scorecard or batch runs at once, and {running} are running. Yours "
    "starts when one of them ends (a run takes as long as its file).": "等待中：这台服务器同时最多运行 {most} 个评分或批量任务，现在有 {running} 个在运行。其中一个结束后你的任务就会开始（任务用时取决于文件大小）。",

    # demo.page.links
    "{name} was cut to its first {limit} characters (the link has {length}).":
        "{name} 只取了前 {limit} 个字符（链接中有 {length} 个）。",
    "{name} '{value}' is not a number; its default is kept.": "{name} “{value}”不是数字，保留其默认值。",

    # demo.page.scorecard_section
    "Choose a task ({tasks}) and one of its sets.": "请选择一个任务（{tasks}）和它的一个数据集。",
    " (loading the models once)": "（首次加载模型）",
    "Read {items}{loading}…": "已读取 {items}{loading}…",
    "Scoring {items} with {sides}…": "正在用 {sides} 评分 {items}…",
    "Stopped after {items} in {seconds} s ({rate} items/s).": "已停止：{seconds} 秒内评分 {items}（每秒 {rate} 项）。",
    "Scored {items} in {seconds} s ({rate} items/s).": "已评分 {items}，用时 {seconds} 秒（每秒 {rate} 项）。",
    "Labelled set": "带标注的数据集",
    "Built-in set": "内置数据集",
    "My CSV": "我的 CSV",
    "Your CSV (used with \"My CSV\")": "你的 CSV（选择“我的 CSV”时使用）",
    "Accuracy so far (%)": "目前的准确率（%）",
    "Per side": "每一方",
    "Confusion: one row per side and true label, one column per answer": "混淆矩阵：每行是一方和真实标签，每列是回答",
    "Items each side got wrong": "每一方答错的条目",
    "Scored CSV": "评分后的 CSV",
    "Report to send (HTML: opens offline, prints to PDF)": "可发送的报告（HTML：离线打开，可打印为 PDF）",
    "{model}, no training: {method}": "{model}，未经训练：{method}",
    "Built-in Chinese set": "内置中文数据集",
    "{source}: {name}": "{source}：{name}",
    "{columns} (any 2 to 20 labels, for {task})": "{columns}（{task}：任意 2 到 20 个标签）",
    "{columns} ({labels} or 1/0)": "{columns}（{labels} 或 1/0）",
    " or ": "，或 ",
    "topics": "主题",
    "intents": "意图",
    "Scorecard: a labelled set through the classic checkpoint and the zero-shot LLM, and batch CSV":
        "评分卡：用带标注的数据集对比经典模型和零样本大模型，以及批量 CSV",
    "Run a labelled set through the task's classic checkpoint and its zero-shot LLM: accuracy a"
    "s it goes, how often they agree, each side's confusion, latency and mistakes. Use a built-"
    "in set (written for this app: 100 reviews and 200 sentence pairs in English, 40 reviews an"
    "d 100 pairs in Chinese, and for classify a topic set and an intent set of 20 texts in each"
    " language) or your own CSV (Chinese text goes to the Chinese models): {formats}, up to 2,0"
    "00 rows and 2 MB. Your file is read once and deleted.":
        "把一个带标注的数据集交给任务的经典模型和它的零样本大模型：边评分边显示准确率、两者一致的比例、各自的混淆矩阵、延迟和错误。可以用内置数据集（为本应用编写：英文 100 条评论和 2"
        "00 对句子，中文 40 条评论和 100 对句子；自定义分类另有每种语言 20 条的主题集和意图集），也可以用你自己的 CSV（中文文字交给中文模型）：{formats}，最多 "
        "2,000 行、2 MB。你的文件只读取一次，读后即删除。",

    # demo.page.scorecard_view
    "no item is scored yet.": "还没有评分任何条目。",
    "{side} ±{points} points": "{side} ±{points} 个百分点",
    "with {count} items, how far each accuracy may be from the truth (95%): {margins}.":
        "共 {count} 项，每个准确率与真实值可能相差（95%）：{margins}。",
    "{side} is not scored: {why}.": "{side}未参与评分：{why}。",
    "true \\ answered": "真实 \\ 回答",
    "right": "正确率",
    "Stopped": "已停止",
    "Done": "完成",
    "Scoring": "评分中",
    "; the two sides agree on {share} of them": "；两方在其中 {share} 上一致",
    "{done} of {total} items": "{total} 项中的 {done} 项",
    "progress": "进度",
    "Accuracy is measured against the set's labels; {margin}": "准确率是对照数据集的标注测得的；{margin}",
    "<b>{state}</b>: {count}{agree}.": "<b>{state}</b>：{count}{agree}。",
    "items scored": "已评分条目",
    "accuracy %": "准确率 %",
    "side": "一方",
    "items": "条目数",
    "median latency ms": "延迟中位数（毫秒）",
    "items/s": "每秒条目数",
    "row": "行",
    "input": "输入",
    "true label": "真实标签",
    "answer": "回答",
    "answered {label}": "回答 {label}",
    "confidence": "置信度",
    ("Bars under the dashed line: answers more confident than right (red: the gap). The count "
     "under each bar: how many answers had that confidence."): "柱子低于虚线：回答的置信度高于实际正确率（红色为差距）。柱子下的数字：以该置信度回答的条目数。",
}
