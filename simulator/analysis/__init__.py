"""Analysis of finished runs: collect, compare, figures, sensitivity, calibration, discovery."""
