"""Sentence -> claim verdict, explainably: the rule table, the learnt model, the classifier and its evaluation."""
