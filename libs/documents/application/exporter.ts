import { SheetCommands, SheetQueries } from '@shinchoku/sheets';
import { departmentName } from '@shinchoku/sheets/domain/department';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import type { WardPlan } from '@shinchoku/sheets/domain/ward-plan';

const PAGE = 500;

/** What an export needs: one sheet, or a ward's (department's) sheets and ward plan for a year. */
export class DocumentExporter {
  constructor(
    private readonly sheets: SheetCommands,
    private readonly queries: SheetQueries,
  ) {}

  async sheet(sheetId: string): Promise<Sheet | undefined> {
    return (await this.sheets.load(sheetId)).state;
  }

  /** The department's sheets (by any spelling of its name: 西区 or 西区役所), in unit order, and its one name. */
  async ward(department: string, fiscalYear: number): Promise<{ name: string; sheets: Sheet[]; wardPlan?: WardPlan }> {
    const sheets: Sheet[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await this.queries.sheets({ fiscalYear, department }, PAGE, cursor);
      sheets.push(...page.items.map((item) => item.sheet));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const wardPlan = (await this.queries.wardPlans({ fiscalYear, department }))[0]?.plan;
    return { name: departmentName(department), sheets, ...(wardPlan && { wardPlan }) };
  }
}
