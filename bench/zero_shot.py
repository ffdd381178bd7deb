"""Zero-shot classification on text nobody wrote for the app's method: four-topic news leads and
eight assistant requests, 200 of each per language (`bench/data/zero_shot_*.tsv`), each scored
with several label wordings a user might type (short, as typed, long, in the other language).

Each file is split in two halves per label: `dev` (methods are chosen on it) and `test` (looked at
once a method is chosen). `python -m bench.zero_shot [--split dev|test]` prints the accuracy of the
app's classify engine per set, wording and split.
"""

from __future__ import annotations

WORDINGS = {
    "topics_en": {
        "as typed": {"world": "World", "sports": "Sports", "business": "Business", "scitech": "Science and technology"},
        "short": {"world": "World", "sports": "Sports", "business": "Business", "scitech": "Tech"},
        "long": {"world": "international news and politics", "sports": "sports", "business": "business and the economy",
                 "scitech": "science and technology"},
        "other language": {"world": "国际", "sports": "体育", "business": "财经", "scitech": "科技"},
    },
    "topics_zh": {
        "as typed": {"world": "国际", "sports": "体育", "business": "财经", "scitech": "科技"},
        "short": {"world": "世界", "sports": "体育", "business": "经济", "scitech": "科技"},
        "long": {"world": "国际新闻", "sports": "体育赛事", "business": "财经商业", "scitech": "科学技术"},
        "other language": {"world": "World", "sports": "Sports", "business": "Business",
                           "scitech": "Science and technology"},
    },
    "intents_en": {
        "short": {"flight": "flight", "alarm": "alarm", "music": "music", "weather": "weather",
                  "restaurant": "restaurant", "balance": "balance", "cancel_order": "cancel order",
                  "transfer": "transfer"},
        "long": {"flight": "book a flight", "alarm": "set an alarm", "music": "play music",
                 "weather": "ask about the weather", "restaurant": "reserve a table at a restaurant",
                 "balance": "check account balance", "cancel_order": "cancel an order", "transfer": "send money"},
        "other language": {"flight": "订机票", "alarm": "设闹钟", "music": "放音乐", "weather": "查天气",
                           "restaurant": "订餐厅", "balance": "查余额", "cancel_order": "取消订单", "transfer": "转账"},
    },
    "intents_zh": {
        "short": {"flight": "机票", "alarm": "闹钟", "music": "音乐", "weather": "天气", "restaurant": "餐厅",
                  "balance": "余额", "cancel_order": "取消订单", "transfer": "转账"},
        "long": {"flight": "订机票", "alarm": "设闹钟", "music": "播放音乐", "weather": "查询天气",
                 "restaurant": "预订餐厅", "balance": "查询余额", "cancel_order": "取消订单", "transfer": "给别人转账"},
        "other language": {"flight": "book a flight", "alarm": "set an alarm", "music": "play music",
                           "weather": "ask about the weather", "restaurant": "reserve a table at a restaurant",
                           "balance": "check account balance", "cancel_order": "cancel an order",
                           "transfer": "send money"},
    },
}
