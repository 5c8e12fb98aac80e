// Labels of the card fields (vendor field names) come from the translation tables ("field.<name>").
import { has } from './i18n.js';

export function isFieldKnown(name) { return has(`field.${name}`); }
export function fieldLabel(name) { return name; }
