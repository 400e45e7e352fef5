"""Plain data types and the rules that hold whatever stores or shows them."""
