"""Observation: metrics of each step and of the whole run, network structure and resilience.

Reads the model's state; never changes it.
"""
