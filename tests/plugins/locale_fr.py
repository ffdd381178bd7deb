"""A third page language from one catalog file (a few strings: the rest stays English)."""

LOCALE = "fr"
NAME = "Français"
TEXTS = {
    "Run": "Lancer",
    "Sentiment": "Sentiment",
    "Fill mask": "Texte à trous",
    "Positive": "Positif",
    "Negative": "Négatif",
    "**Model ready.**": "**Modèle prêt.**",
    "Answered by **{model}**{where} in {seconds} s{load}{first}.{why}":
        "Répondu par **{model}**{where} en {seconds} s{load}{first}.{why}",
    " on {device}": " sur {device}",
}
