"""What several test rooms share: twins of the marts in pandas, market generators, fixtures."""
