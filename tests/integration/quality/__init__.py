"""Tests of the data-quality gate (kam.quality) on a fake warehouse and on the worked example."""
