"""Knowledge base: curated multilingual articles, how they are read and checked."""
