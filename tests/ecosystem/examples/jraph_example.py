"""jraph's README usage: a GraphsTuple, a GraphNetwork with MLP-like update functions,
batch/unbatch, padding, and a GraphConvolution under jit and grad. Prints `name: values`
lines."""
import jax
import jax.numpy as jnp
import jraph


def report(name, value):
    print(f"{name}: {' '.join(repr(float(v)) for v in jnp.ravel(jnp.asarray(value)))}")


node_features = jnp.array([[0.0], [1.0], [2.0]])
senders = jnp.array([0, 1, 2])
receivers = jnp.array([1, 2, 0])
edges = jnp.array([[5.0], [6.0], [7.0]])
graph = jraph.GraphsTuple(nodes=node_features, senders=senders, receivers=receivers,
                          edges=edges, n_node=jnp.array([3]), n_edge=jnp.array([3]),
                          globals=jnp.array([[1.0]]))

w = 0.1 * jax.random.normal(jax.random.PRNGKey(0), (4, 2))


def update_edge_fn(edges, sent, received, globals_):
    return jnp.tanh(jnp.concatenate([edges, sent, received, globals_], axis=-1) @ w)


def update_node_fn(nodes, sent, received, globals_):
    return nodes + jnp.sum(sent, -1, keepdims=True) - jnp.sum(received, -1, keepdims=True)


def update_global_fn(nodes, edges, globals_):
    return globals_ + jnp.sum(nodes, -1) + jnp.sum(edges, -1)


net = jraph.GraphNetwork(update_edge_fn=update_edge_fn, update_node_fn=update_node_fn,
                         update_global_fn=update_global_fn)
out = jax.jit(net)(graph)
report("gn.nodes", out.nodes)
report("gn.edges", out.edges)
report("gn.globals", out.globals)

two = jraph.batch([graph, graph._replace(nodes=node_features * 2)])
report("batch.n_node", two.n_node)
report("batch.receivers", two.receivers)
report("unbatch.nodes1", jraph.unbatch(two)[1].nodes)
padded = jraph.pad_with_graphs(graph, n_node=5, n_edge=4, n_graph=3)
report("pad.n_node", padded.n_node)
report("pad.mask", jraph.get_node_padding_mask(padded))

gcn = jraph.GraphConvolution(update_node_fn=lambda n: n * 2.0, add_self_edges=True)
report("gcn.nodes", gcn(graph).nodes)
report("segment_softmax", jraph.segment_softmax(jnp.array([1.0, 2.0, 3.0, 0.5]),
                                                jnp.array([0, 0, 1, 1]), 2))


def loss(w_scale):
    g = jraph.GraphNetwork(
        update_edge_fn=lambda e, s, r, g: jnp.tanh(w_scale * (e + s - r)),
        update_node_fn=lambda n, s, r, g: n * r,
        update_global_fn=None)(graph)
    return jnp.sum(g.nodes ** 2)


report("grad", jax.grad(loss)(0.3))
gat = jraph.GAT(attention_query_fn=lambda n: n * 1.5,
                attention_logit_fn=lambda s, r, e: jnp.sum(s * r + e, -1, keepdims=True),
                node_update_fn=jax.nn.relu)
report("gat.nodes", gat(graph).nodes)
