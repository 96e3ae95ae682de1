import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/page-query.dto';
import { ROLES, type Role } from '../../../access/roles';

export class AddMemberDto {
  @ApiProperty({ example: 'editor@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ enum: ROLES, example: 'editor' })
  @IsIn(ROLES)
  role: Role;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES, example: 'viewer' })
  @IsIn(ROLES)
  role: Role;
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'date-time' }) since: string;
}

export class MemberPageResponse {
  @ApiProperty({ type: [MemberResponse] }) items: MemberResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last.' })
  next_cursor: string | null;
}

export class ListMembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES, description: 'Only members holding this role.' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}
