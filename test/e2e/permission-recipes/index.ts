import { accountsRecipes } from './accounts.recipes';
import { contentRecipes } from './content.recipes';
import { coreRecipes } from './core.recipes';
import { mediaRecipes } from './media.recipes';
import type { RecipeSet } from './recipe';

/** Every domain's recipes; a new domain adds its set here. */
export const RECIPE_SETS: RecipeSet[] = [coreRecipes, accountsRecipes, mediaRecipes, contentRecipes];
