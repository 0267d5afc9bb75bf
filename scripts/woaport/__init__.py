"""woaport: port Python packages to native Windows on Arm, repeatably."""

__version__ = "0.1.0"
