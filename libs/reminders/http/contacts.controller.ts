import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Requires, Visible, can, scope, type AccessRequest, type Visibility } from '@shinchoku/access';
import { Problem } from '@shinchoku/http';
import { Contacts, WebhookUrlRefused } from '../application/contacts';
import * as s from './schemas';

/** Who is reminded for an org unit: 担当, 課長, and the department's coordinator. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: Contacts) {}

  @Post()
  @HttpCode(201)
  @Requires('contacts.manage', scope.body)
  async create(@Body({ schema: s.createContactBody }) body: z.infer<typeof s.createContactBody>, @Res({ passthrough: true }) reply: FastifyReply) {
    const contact = await this.contacts.create(body).catch(refused);
    void reply.header('location', `/api/v1/contacts/${contact.contactId}`);
    return contact;
  }

  @Get()
  @Requires('contacts.manage', scope.list)
  async list(@Query({ schema: s.listContactsQuery }) query: z.infer<typeof s.listContactsQuery>, @Visible() visible: Visibility) {
    return { items: await this.contacts.list(query, visible) };
  }

  @Get(':contactId')
  @Requires('contacts.manage', scope.list)
  async get(@Param('contactId', { schema: s.idParam }) contactId: string, @Visible() visible: Visibility) {
    return (await this.contacts.get(contactId, visible)) ?? notFound(contactId);
  }

  @Patch(':contactId')
  @Requires('contacts.manage', scope.list)
  async update(
    @Param('contactId', { schema: s.idParam }) contactId: string,
    @Body({ schema: s.updateContactBody }) body: z.infer<typeof s.updateContactBody>,
    @Visible() visible: Visibility,
    @Req() request: AccessRequest,
  ) {
    const current = (await this.contacts.get(contactId, visible)) ?? notFound(contactId);
    // Moving a contact to another unit or department needs the permission there too.
    const department = body.department ?? current.department;
    const unit = body.unit === undefined ? current.unit : body.unit;
    if (can(request.principal!.grants, 'contacts.manage', { department, ...(unit && { unit }) }) !== 'allowed') {
      throw new Problem(403, 'PermissionMissing', `moving the contact to ${department}${unit ? ` ${unit}` : ''} needs the permission 'contacts.manage' there`, undefined, {
        permission: 'contacts.manage',
      });
    }
    return (await this.contacts.update(contactId, body, visible).catch(refused)) ?? notFound(contactId);
  }

  @Delete(':contactId')
  @HttpCode(204)
  @Requires('contacts.manage', scope.list)
  async remove(@Param('contactId', { schema: s.idParam }) contactId: string, @Visible() visible: Visibility) {
    if (!(await this.contacts.remove(contactId, visible))) notFound(contactId);
  }
}

/** A well-formed URL the webhook rules do not allow: 422, naming the field and why. */
function refused(error: unknown): never {
  if (!(error instanceof WebhookUrlRefused)) throw error;
  throw new Problem(422, 'WebhookUrlRefused', error.message, [{ path: 'body.webhookUrl', message: error.reason }]);
}

function notFound(contactId: string): never {
  throw new Problem(404, 'ContactNotFound', `there is no contact ${contactId}`);
}
