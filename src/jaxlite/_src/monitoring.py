"""Event listeners (`jax.monitoring`): libraries record events and durations (orbax,
flax), and tools register listeners to receive them. jaxlite itself records none.

    >>> seen = []
    >>> jax.monitoring.register_event_listener(lambda event, **kw: seen.append(event))
    >>> jax.monitoring.record_event("/my/event")
    >>> seen
    ['/my/event']
    >>> jax.monitoring.clear_event_listeners()
"""
import threading

_lock = threading.Lock()
_event_listeners = []
_duration_listeners = []
_scalar_listeners = []


def record_event(event, **kwargs):
    for listener in list(_event_listeners):
        listener(event, **kwargs)


def record_event_duration_secs(event, duration, **kwargs):
    for listener in list(_duration_listeners):
        listener(event, duration, **kwargs)


def record_event_time_span(event, start_time, end_time, **kwargs):
    record_event_duration_secs(event, end_time - start_time, **kwargs)


def record_scalar(event, value, **kwargs):
    for listener in list(_scalar_listeners):
        listener(event, value, **kwargs)


def _register(listeners, listener):
    with _lock:
        listeners.append(listener)


def register_event_listener(listener):
    _register(_event_listeners, listener)


def register_event_duration_secs_listener(listener):
    _register(_duration_listeners, listener)


def register_scalar_listener(listener):
    _register(_scalar_listeners, listener)


def unregister_event_listener(listener):
    with _lock:
        _event_listeners.remove(listener)


def unregister_event_duration_listener(listener):
    with _lock:
        _duration_listeners.remove(listener)


def unregister_scalar_listener(listener):
    with _lock:
        _scalar_listeners.remove(listener)


def clear_event_listeners():
    with _lock:
        del _event_listeners[:], _duration_listeners[:], _scalar_listeners[:]


def get_event_listeners():
    return list(_event_listeners)


def get_event_duration_listeners():
    return list(_duration_listeners)
