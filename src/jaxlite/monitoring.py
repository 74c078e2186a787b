"""jax.monitoring: record events and durations; register listeners for them."""
from ._src.monitoring import (record_event, record_event_duration_secs,
                              record_event_time_span, record_scalar, register_event_listener,
                              register_event_duration_secs_listener, register_scalar_listener,
                              unregister_event_listener, unregister_event_duration_listener,
                              unregister_scalar_listener, clear_event_listeners,
                              get_event_listeners, get_event_duration_listeners)
