UPDATE maps SET sim_draws = 'lots' WHERE id = 1;
