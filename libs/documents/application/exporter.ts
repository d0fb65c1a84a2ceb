import { SheetCommands, SheetQueries } from '@shinchoku/sheets';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import type { WardPlan } from '@shinchoku/sheets/domain/ward-plan';
import { wardOf } from '@shinchoku/sheets/domain/ward';

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

  /** Sheets naming the ward (西区) or its office (西区役所) as their department, in department and unit order. */
  async ward(department: string, fiscalYear: number): Promise<{ sheets: Sheet[]; wardPlan?: WardPlan }> {
    const ward = wardOf(department);
    const sheets: Sheet[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await this.queries.sheets({ fiscalYear }, PAGE, cursor);
      sheets.push(...page.items.map((item) => item.sheet).filter((sheet) => wardOf(sheet.department) === ward));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const wardPlan = (await this.queries.wardPlans({ fiscalYear })).find(({ plan }) => wardOf(plan.department) === ward)?.plan;
    return { sheets, ...(wardPlan && { wardPlan }) };
  }
}
