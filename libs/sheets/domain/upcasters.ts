import type { Upcasters } from '@shinchoku/event-store';
import { departmentName } from '@shinchoku/municipality';

const named = (data: { department: string }) => ({ ...data, department: departmentName(data.department) });

/**
 * Version 2 of SheetCreated and WardPlanCreated names the department by its one name
 * (departmentName); version 1 kept it as the document or the caller spelt it (東区役所). Old
 * events are read as version 2, so a stream recorded either way folds to the same state.
 */
export const sheetUpcasters: Upcasters = {
  SheetCreated: { 1: named },
  WardPlanCreated: { 1: named },
};
