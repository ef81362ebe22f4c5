"""Files written out: levels, the testing schedule, the offline HTML map, safe cells."""
