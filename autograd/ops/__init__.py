"""The ops: primitives (forward beside VJP) and the composites built from them."""
