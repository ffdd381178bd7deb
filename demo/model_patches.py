"""transformers internals that cost a demo its time, changed in one place and for our models only.

DeBERTa-v2/v3 (mDeBERTa, the zero-shot classifier): its disentangled attention projects all 512
relative-position embeddings, copies them once per text of a batch (`repeat`) and multiplies every
query by all 512, to gather the few the text's length reaches. On a batch of 34 pairs of 24 tokens
that was 45% of a forward pass on this CPU. `windowed_disentangled_bias` projects only the window of
relative positions the batch uses and broadcasts it over the batch: the same dot products, gathered
from the same positions, so the same scores (`tests/test_model_patches.py`).
"""

from __future__ import annotations

import types

import torch


def speed_up(model: torch.nn.Module) -> int:
    """Give each of `model`'s DeBERTa-v2 attention layers the windowed bias; returns how many."""
    from transformers.models.deberta_v2.modeling_deberta_v2 import DisentangledSelfAttention

    layers = [m for m in model.modules() if isinstance(m, DisentangledSelfAttention)]
    for layer in layers:
        layer.disentangled_attention_bias = types.MethodType(windowed_disentangled_bias, layer)
    return len(layers)


def windowed_disentangled_bias(self, query_layer, key_layer, relative_pos, rel_embeddings, scale_factor):
    """`DisentangledSelfAttention.disentangled_attention_bias`, over the relative positions in use."""
    from transformers.models.deberta_v2 import modeling_deberta_v2 as deberta

    if relative_pos is None:
        relative_pos = deberta.build_relative_position(query_layer, key_layer, bucket_size=self.position_buckets,
                                                       max_position=self.max_relative_positions)
    if relative_pos.dim() == 2:
        relative_pos = relative_pos.unsqueeze(0).unsqueeze(0)
    elif relative_pos.dim() == 3:
        relative_pos = relative_pos.unsqueeze(1)
    elif relative_pos.dim() != 4:
        raise ValueError(f"Relative position ids must be of dim 2 or 3 or 4. {relative_pos.dim()}")

    span = self.pos_ebd_size
    relative_pos = relative_pos.to(device=query_layer.device, dtype=torch.long)
    c2p_pos = torch.clamp(relative_pos + span, 0, span * 2 - 1)
    p2c_pos = None
    if "p2c" in self.pos_att_type:
        r_pos = deberta.build_rpos(query_layer, key_layer, relative_pos, self.max_relative_positions,
                                   self.position_buckets)
        p2c_pos = torch.clamp(-r_pos + span, 0, span * 2 - 1)
    used = [pos for pos, kind in ((c2p_pos, "c2p"), (p2c_pos, "p2c")) if kind in self.pos_att_type]
    if not used:
        return 0
    first = min(int(pos.min()) for pos in used)
    last = max(int(pos.max()) for pos in used)
    window = rel_embeddings[first : last + 1, :].unsqueeze(0)
    heads = self.num_attention_heads
    texts = query_layer.size(0) // heads

    def projected(shared, own):  # [heads, window, head_dim]
        return self.transpose_for_scores((shared if self.share_att_key else own)(window), heads)

    def against_window(layer, positions):  # layer [texts*heads, n, d] times the window: [texts*heads, n, window]
        scores = torch.matmul(layer.view(texts, heads, *layer.shape[1:]), positions.transpose(-1, -2).unsqueeze(0))
        return scores.view(texts * heads, layer.size(1), positions.size(1))

    score = 0
    if "c2p" in self.pos_att_type:
        pos_key_layer = projected(self.key_proj, getattr(self, "pos_key_proj", None))
        scale = deberta.scaled_size_sqrt(pos_key_layer, scale_factor)
        c2p_att = torch.gather(against_window(query_layer, pos_key_layer), dim=-1, index=(c2p_pos - first).squeeze(0)
                               .expand([query_layer.size(0), query_layer.size(1), relative_pos.size(-1)]))
        score += c2p_att / scale.to(dtype=c2p_att.dtype)
    if "p2c" in self.pos_att_type:
        pos_query_layer = projected(self.query_proj, getattr(self, "pos_query_proj", None))
        scale = deberta.scaled_size_sqrt(pos_query_layer, scale_factor)
        p2c_att = torch.gather(against_window(key_layer, pos_query_layer), dim=-1, index=(p2c_pos - first).squeeze(0)
                               .expand([query_layer.size(0), key_layer.size(-2), key_layer.size(-2)])).transpose(-1, -2)
        score += p2c_att / scale.to(dtype=p2c_att.dtype)
    return score
